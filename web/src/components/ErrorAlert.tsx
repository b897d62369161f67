import { Alert } from "antd";
import type { Explained } from "../api/errors";

/** A refusal that belongs to no single field: its sentence, and any field sentences no field showed. */
export function ErrorAlert({ error, rest }: { error: Explained | null; rest?: string[] }) {
  if (!error) return null;
  const lines = rest ?? Object.entries(error.fields).map(([field, sentence]) => `${field}：${sentence}`);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 12 }}
      title={error.message}
      description={lines.length ? <ul style={{ margin: 0, paddingLeft: 20 }}>{lines.map((l) => <li key={l}>{l}</li>)}</ul> : undefined}
    />
  );
}
