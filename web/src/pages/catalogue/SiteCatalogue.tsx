// A site's hall list (进驻事项目录) on a day: the matters it accepts and the decision that
// extended each one there, printable as the service renders it.
import { Button, Card, Input, Select, Space, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { catalog, catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { zh } from "../../api/labels";
import { useAuth } from "../../auth";
import { DocumentView } from "../../components/DocumentView";
import { ErrorAlert } from "../../components/ErrorAlert";
import type { GetSiteCatalogueResponse, SiteCatalogueEntry } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import { type Site, SiteLevelSchema } from "../../gen/tongban/acceptance/v1/catalog_pb";
import { CatalogueNav } from "./CatalogueNav";

export function SiteCatalogue() {
  const { user } = useAuth();
  const [sites, setSites] = useState<Site[]>([]);
  const [siteCode, setSiteCode] = useState(user?.siteCode ?? "");
  const [on, setOn] = useState("");
  const [answer, setAnswer] = useState<GetSiteCatalogueResponse | null>(null);
  const [loading, setLoading] = useState(false);
  const [printable, setPrintable] = useState(false);
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    catalog
      .listSites({})
      .then((found) => setSites(found.sites))
      .catch((reason: unknown) => setError(explain(reason)));
  }, []);
  useEffect(() => {
    if (!siteCode) return;
    let current = true;
    setLoading(true);
    setError(null);
    catalogAdmin
      .getSiteCatalogue({ siteCode, on })
      .then((found) => current && setAnswer(found))
      .catch((reason: unknown) => current && setError(explain(reason)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [siteCode, on]);
  return (
    <Card title="事项目录管理">
      <CatalogueNav />
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          style={{ width: 300 }}
          value={siteCode}
          onChange={setSiteCode}
          aria-label="站点"
          showSearch={{ optionFilterProp: "label" }}
          options={sites.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
        />
        <Input.Search
          placeholder="日期，默认今天"
          allowClear
          enterButton="查看"
          style={{ width: 280 }}
          onSearch={(value) => setOn(value.trim())}
          aria-label="截至日期"
        />
        <Input
          placeholder="在目录中查找：编码或名称"
          allowClear
          style={{ width: 240 }}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="在目录中查找"
        />
        <Button onClick={() => setPrintable((p) => !p)} disabled={!answer?.html}>
          {printable ? "返回列表" : "打印版"}
        </Button>
      </Space>
      <ErrorAlert error={error} />
      {answer && (
        <Typography.Paragraph>
          {answer.siteName}（{zh(SiteLevelSchema, answer.siteLevel)} {answer.siteCode}）截至 {answer.on}，共 {answer.entries.length} 项
        </Typography.Paragraph>
      )}
      {printable && answer ? (
        <DocumentView html={answer.html} text={answer.text} />
      ) : (
        <Table<SiteCatalogueEntry>
          rowKey={(e) => e.matter?.code ?? ""}
          size="small"
          loading={loading}
          dataSource={(answer?.entries ?? []).filter(
            (e) => !filter.trim() || `${e.matter?.code ?? ""} ${e.matter?.name ?? ""}`.includes(filter.trim()),
          )}
          pagination={{ pageSize: 12, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            { title: "序号", width: 60, render: (_, e) => (answer?.entries.indexOf(e) ?? 0) + 1 },
            { title: "事项编码", width: 170, render: (_, e) => e.matter?.code },
            { title: "事项名称", render: (_, e) => e.matter?.name },
            { title: "实施部门", width: 170, render: (_, e) => e.matter?.departmentName },
            { title: "承诺时限", width: 110, render: (_, e) => `${e.matter?.promisedLimitDays ?? 0} 个工作日` },
            {
              title: "延伸依据",
              width: 260,
              render: (_, e) => (e.documentNumber ? `${e.documentNumber}（${e.documentDate}）` : <Typography.Text type="secondary">本级受理</Typography.Text>),
            },
          ]}
        />
      )}
    </Card>
  );
}
