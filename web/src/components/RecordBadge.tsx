// The supervision record's check (VerifyRecord) where alerts and cases are read: a tag that says
// whether the record holds, linking to the full check; on a case, what it means for its entries.
import { Tag, Tooltip } from "antd";
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { supervision } from "../api/clients";
import { explain, type Explained } from "../api/errors";
import type { VerifyRecordResponse } from "../gen/tongban/supervision/v1/supervision_pb";
import { chineseProblem, standing } from "../lib/record";

export interface RecordCheck {
  check: VerifyRecordResponse | null;
  loading: boolean;
  error: Explained | null;
  /** When the answer came (the record grows while the page is open). */
  checkedAt: Date | null;
  reload: () => void;
}

export function useRecordCheck(): RecordCheck {
  const [check, setCheck] = useState<VerifyRecordResponse | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Explained | null>(null);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const reload = useCallback(() => {
    setLoading(true);
    setError(null);
    supervision
      .verifyRecord({})
      .then((answer) => {
        setCheck(answer);
        setCheckedAt(new Date());
      })
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, []);
  useEffect(reload, [reload]);
  return { check, loading, error, checkedAt, reload };
}

/** The record's state in one tag; `seqs` are the entries of what the screen shows (a case's). */
export function RecordBadge({ seqs }: { seqs?: readonly bigint[] }) {
  const { check, loading, error } = useRecordCheck();
  const link = (tag: ReactNode) => (
    <Link to="/inspector/record" data-testid="record-badge">
      {tag}
    </Link>
  );
  if (loading) return link(<Tag>监察记录核验中…</Tag>);
  if (error || !check) return link(<Tooltip title={error?.message}><Tag color="default">监察记录未能核验</Tag></Tooltip>);
  if (check.intact) {
    return link(<Tag color="success">监察记录完整 · {String(check.entries)} 条已核验</Tag>);
  }
  const problem = chineseProblem(check.problem);
  if (seqs?.length && standing(check, seqs) === "before-break") {
    return link(
      <Tooltip title={`本案条目在断点之前，逐条相连无误；${problem}`}>
        <Tag color="warning">监察记录自第 {String(check.firstBadSeq)} 条起不符（本案条目在其前）</Tag>
      </Tooltip>,
    );
  }
  return link(
    <Tooltip title={problem}>
      <Tag color="error">监察记录被改动：自第 {String(check.firstBadSeq)} 条起不符</Tag>
    </Tooltip>,
  );
}
