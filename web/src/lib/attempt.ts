// The request id of one user action, kept across retries of the same action (see `answered`).
import { useCallback, useState } from "react";
import { requestId } from "../api/clients";
import { answered, type Explained } from "../api/errors";

/** The current id; `settle` after a failure (a new id only when the service surely did nothing);
 * `next` once the action is done, so the form's next use is a new action. */
export function useAttempt(): [string, (error: Explained) => void, () => void] {
  const [id, setId] = useState(requestId);
  const settle = useCallback((error: Explained) => {
    if (answered(error.code)) setId(requestId());
  }, []);
  const next = useCallback(() => setId(requestId()), []);
  return [id, settle, next];
}
