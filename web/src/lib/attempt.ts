// The request id of one user action, kept across retries of the same action (see `answered`).
import { useCallback, useState } from "react";
import { requestId } from "../api/clients";
import { answered, type Explained } from "../api/errors";

export function useAttempt(): [string, (error: Explained) => void] {
  const [id, setId] = useState(requestId);
  const settle = useCallback((error: Explained) => {
    if (answered(error.code)) setId(requestId());
  }, []);
  return [id, settle];
}
