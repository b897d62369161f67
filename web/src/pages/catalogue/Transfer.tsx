// The whole catalogue out as JSON or the county's spreadsheet, and back in: the import is
// checked whole first, and every error is named by sheet, cell and column (by field path in JSON).
import { Alert, Button, Card, Input, Radio, Space, Table, Typography, Upload } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";
import { catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { hasRole, useAuth } from "../../auth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { CatalogueFormat, type ImportCatalogueResponse } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import { useAttempt } from "../../lib/attempt";
import { download } from "../../lib/download";
import { CatalogueNav } from "./CatalogueNav";

const MIME: Record<number, string> = {
  [CatalogueFormat.JSON]: "application/json",
  [CatalogueFormat.XLSX]: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export function Transfer() {
  const { user } = useAuth();
  return (
    <Card title="事项目录管理">
      <CatalogueNav />
      <ExportPanel />
      {hasRole(user, "centre_admin") ? (
        <ImportPanel />
      ) : (
        <Alert type="info" showIcon style={{ marginTop: 12 }} title="目录文件由中心管理员导入；导入后的草稿须由另一位中心管理员逐项发布。" />
      )}
    </Card>
  );
}

function ExportPanel() {
  const [format, setFormat] = useState(CatalogueFormat.XLSX);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState("");
  const [error, setError] = useState<Explained | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    setDone("");
    try {
      const answer = await catalogAdmin.exportCatalogue({ format });
      download(answer.content, answer.fileName, MIME[answer.format] ?? "application/octet-stream");
      setDone(`已导出 ${answer.matterCount} 个事项到 ${answer.fileName}`);
    } catch (reason) {
      setError(explain(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title="导出目录" style={{ marginBottom: 12 }}>
      <Space>
        <Radio.Group
          value={format}
          onChange={(e) => setFormat(e.target.value as CatalogueFormat)}
          options={[
            { value: CatalogueFormat.XLSX, label: "Excel 表格（.xlsx）" },
            { value: CatalogueFormat.JSON, label: "JSON" },
          ]}
        />
        <Button type="primary" loading={busy} onClick={() => void run()}>
          导出
        </Button>
      </Space>
      {done && <Alert type="success" showIcon style={{ marginTop: 12 }} title={done} />}
      <div style={{ marginTop: 12 }}>
        <ErrorAlert error={error} />
      </div>
    </Card>
  );
}

interface Problem {
  place: string;
  sentence: string;
}

function ImportPanel() {
  const [file, setFile] = useState<File | null>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportCatalogueResponse | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [attempt, settle] = useAttempt();
  const run = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const content = new Uint8Array(await file.arrayBuffer());
      const format = file.name.toLowerCase().endsWith(".json") ? CatalogueFormat.JSON : CatalogueFormat.XLSX;
      setResult(await catalogAdmin.importCatalogue({ requestId: attempt, format, content, note: note.trim() }));
    } catch (reason) {
      const explained = explain(reason);
      settle(explained);
      setError(explained);
    } finally {
      setBusy(false);
    }
  };
  // Each error of the file beside its place (材料!F3(材料形式) in a workbook, a field path in JSON).
  const problems: Problem[] = Object.entries(error?.fields ?? {}).map(([place, sentence]) => ({ place, sentence }));
  return (
    <Card size="small" title="导入目录">
      <Space direction="vertical" style={{ width: "100%" }}>
        <Space wrap>
          <Upload
            accept=".xlsx,.json"
            maxCount={1}
            beforeUpload={(chosen) => {
              setFile(chosen);
              setResult(null);
              setError(null);
              return false; // read here and sent over the API, not posted by the widget
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: "chosen", name: file.name, status: "done" }] : []}
          >
            <Button>选择文件（.xlsx 或 .json）</Button>
          </Upload>
          <Input style={{ width: 320 }} placeholder="修订说明，如 法定时限按新规调整" value={note} onChange={(e) => setNote(e.target.value)} aria-label="修订说明" maxLength={500} />
          <Button type="primary" disabled={!file} loading={busy} onClick={() => void run()}>
            导入
          </Button>
        </Space>
        {error && <ErrorAlert error={error} rest={[]} />}
        {problems.length > 0 && (
          <Table<Problem>
            rowKey="place"
            size="small"
            pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
            dataSource={problems}
            columns={[
              { title: "位置（工作表!单元格，或 JSON 字段）", dataIndex: "place", width: 320 },
              { title: "问题", dataIndex: "sentence" },
            ]}
          />
        )}
        {result && (
          <Alert
            type="success"
            showIcon
            title={`已导入：${result.departmentCount} 个部门；${result.drafts.length} 个事项存为草稿，${result.unchangedCount} 个事项未变；${result.extensionCount} 项延伸决定已记录，${result.unchangedExtensionCount} 项已在册。`}
            description={
              result.drafts.length > 0 && (
                <>
                  <ul style={{ margin: 0, paddingLeft: 20 }}>
                    {result.drafts.map((d) => (
                      <li key={d.matterCode}>
                        <Link to={`/catalogue/matters/${d.matterCode}`}>
                          草稿 {d.matterCode} 第 {d.version} 版 {d.matter?.name}
                        </Link>
                      </li>
                    ))}
                  </ul>
                  <Typography.Text type="secondary">草稿须由另一位中心管理员逐项发布。</Typography.Text>
                </>
              )
            }
          />
        )}
      </Space>
    </Card>
  );
}
