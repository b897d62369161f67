// A document alone on the page, laid out for A4: what the printer gets. A reprint is the stored
// document itself, so it is identical to the first print (its SHA-256 is shown to compare).
import { Button, Space, Spin, Typography } from "antd";
import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { acceptance, review } from "../api/clients";
import { explain, type Explained } from "../api/errors";
import { DocumentView } from "../components/DocumentView";
import { ErrorAlert } from "../components/ErrorAlert";

interface Printable {
  number: string;
  html?: string;
  text: string;
  sha256: string;
}

// Acceptance's documents (receipt, notice, non-acceptance) are numbered SL-/GZ-/BSL-; the rest
// are the county's (decisions, notices of a pause or an extension).
export function isAcceptanceDocument(number: string): boolean {
  return /^(SL|GZ|BSL)-/.test(number);
}

export async function fetchDocument(number: string): Promise<Printable> {
  if (isAcceptanceDocument(number)) {
    const { document } = await acceptance.getDocument({ number });
    return { number, html: document?.html, text: document?.text ?? "", sha256: document?.sha256 ?? "" };
  }
  const { document } = await review.getReviewDocument({ number });
  return { number, text: document?.text ?? "", sha256: document?.sha256 ?? "" };
}

export function PrintDocument() {
  const { number = "" } = useParams();
  const [doc, setDoc] = useState<Printable | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    fetchDocument(number)
      .then(setDoc)
      .catch((reason: unknown) => setError(explain(reason)));
  }, [number]);
  if (error) return <ErrorAlert error={error} />;
  if (!doc) return <Spin tip="正在读取文书…"><div style={{ height: 200 }} /></Spin>;
  return (
    <div>
      <Space className="no-print" style={{ marginBottom: 12 }}>
        <Button type="primary" onClick={() => window.print()}>
          打印（A4）
        </Button>
        <Button onClick={() => window.history.back()}>返回</Button>
        <Typography.Text type="secondary" data-testid="sha256">
          文书 {doc.number} · SHA-256 {doc.sha256.slice(0, 16)}…（重打与首次打印一致）
        </Typography.Text>
      </Space>
      <DocumentView html={doc.html} text={doc.text} />
    </div>
  );
}
