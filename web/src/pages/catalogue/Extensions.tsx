// Extension decisions (县乡同办 / 事项延伸): which county matters a site level or a named site may
// accept, from when, by which document. The administrator records them; everyone here reads them.
import { Alert, Card, Col, Form, Input, Radio, Row, Select, Space, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { catalog, catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { options, zh } from "../../api/labels";
import { hasRole, useAuth } from "../../auth";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type Extension, ExtensionAction, ExtensionActionSchema } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import { type Site, SiteLevelSchema } from "../../gen/tongban/acceptance/v1/catalog_pb";
import { CatalogueNav } from "./CatalogueNav";

interface ChangeValues {
  matterCode: string;
  target: "level" | "site";
  siteLevel?: number;
  siteCode?: string;
  action: ExtensionAction;
  effectiveOn: string;
  documentNumber: string;
  documentDate: string;
}

export function Extensions() {
  const { user } = useAuth();
  const [matterCode, setMatterCode] = useState("");
  const [siteCode, setSiteCode] = useState("");
  const [sites, setSites] = useState<Site[]>([]);
  const [extensions, setExtensions] = useState<Extension[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    catalog
      .listSites({})
      .then((answer) => setSites(answer.sites))
      .catch((reason: unknown) => setError(explain(reason)));
  }, []);
  const load = useCallback(() => {
    setLoading(true);
    setError(null);
    catalogAdmin
      .listExtensions({ matterCode, siteCode })
      .then((answer) => setExtensions(answer.extensions))
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, [matterCode, siteCode]);
  useEffect(load, [load]);
  const siteName = (code: string) => sites.find((s) => s.code === code)?.name ?? code;
  const siteOptions = sites.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }));
  return (
    <Card title="事项目录管理">
      <CatalogueNav />
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          placeholder="事项编码，如 320826-ZJ-XK-001"
          allowClear
          enterButton="筛选"
          style={{ width: 320 }}
          onSearch={(value) => setMatterCode(value.trim())}
          aria-label="按事项编码筛选"
        />
        <Select
          style={{ width: 280 }}
          value={siteCode}
          onChange={setSiteCode}
          aria-label="按站点筛选"
          options={[{ value: "", label: "全部站点" }, ...siteOptions]}
        />
      </Space>
      <ErrorAlert error={error} />
      <Table<Extension>
        rowKey={(e) => `${e.matterCode}|${e.siteLevel}|${e.siteCode}|${e.effectiveOn}|${e.documentNumber}|${e.action}`}
        size="small"
        loading={loading}
        dataSource={extensions}
        pagination={{ pageSize: 12, hideOnSinglePage: true, showSizeChanger: false }}
        columns={[
          { title: "事项", render: (_, e) => `${e.matterName}（${e.matterCode}）` },
          { title: "范围", width: 220, render: (_, e) => (e.siteCode ? `${siteName(e.siteCode)}（${e.siteCode}）` : zh(SiteLevelSchema, e.siteLevel)) },
          {
            title: "调整",
            width: 70,
            render: (_, e) => <Tag color={e.action === ExtensionAction.WITHDRAW ? "red" : "blue"}>{zh(ExtensionActionSchema, e.action)}</Tag>,
          },
          { title: "生效日期", dataIndex: "effectiveOn", width: 110 },
          { title: "决定文号", width: 240, render: (_, e) => `${e.documentNumber}（${e.documentDate}）` },
          { title: "记录人", dataIndex: "changedBy", width: 120 },
        ]}
      />
      {hasRole(user, "centre_admin") ? (
        <ChangeForm siteOptions={siteOptions} onDone={load} />
      ) : (
        <Alert type="info" showIcon style={{ marginTop: 12 }} title="延伸或收回事项由中心管理员依决定文件记录。" />
      )}
    </Card>
  );
}

function ChangeForm({ siteOptions, onDone }: { siteOptions: { value: string; label: string }[]; onDone: () => void }) {
  return (
    <Card size="small" title="延伸或收回事项" style={{ marginTop: 16 }}>
      <ActionForm<ChangeValues>
        name="extension"
        fields={["matterCode", "siteLevel", "siteCode", "action", "effectiveOn", "documentNumber", "documentDate"]}
        submitText="记录决定"
        doneText="已记录延伸调整，自生效日期起施行"
        initialValues={{ target: "site", action: ExtensionAction.EXTEND }}
        run={(v, requestId) =>
          catalogAdmin.changeExtension({
            requestId,
            matterCode: v.matterCode.trim(),
            // One of the two: the other stays empty.
            siteLevel: v.target === "level" ? v.siteLevel : undefined,
            siteCode: v.target === "site" ? v.siteCode : undefined,
            action: v.action,
            effectiveOn: v.effectiveOn.trim(),
            documentNumber: v.documentNumber.trim(),
            documentDate: v.documentDate.trim(),
          })
        }
        onDone={onDone}
      >
        {(form) => (
          <>
            <Row gutter={12}>
              <Col span={7}>
                <Form.Item name="matterCode" label="事项编码" rules={[{ required: true, message: "请填写事项编码" }]}>
                  <Input placeholder="320826-ZJ-XK-001" />
                </Form.Item>
              </Col>
              <Col span={5}>
                <Form.Item name="action" label="调整方式">
                  <Radio.Group options={options(ExtensionActionSchema)} />
                </Form.Item>
              </Col>
              <Col span={4}>
                <Form.Item name="target" label="范围">
                  <Radio.Group
                    options={[
                      { value: "site", label: "站点" },
                      { value: "level", label: "层级" },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item noStyle shouldUpdate={(a, b) => a.target !== b.target}>
                  {() =>
                    form.getFieldValue("target") === "level" ? (
                      <Form.Item name="siteLevel" label="站点层级" rules={[{ required: true, message: "请选择站点层级" }]}>
                        <Select options={options(SiteLevelSchema)} aria-label="站点层级" />
                      </Form.Item>
                    ) : (
                      <Form.Item name="siteCode" label="站点" rules={[{ required: true, message: "请选择站点" }]}>
                        <Select options={siteOptions} showSearch={{ optionFilterProp: "label" }} aria-label="站点" />
                      </Form.Item>
                    )
                  }
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={12}>
              <Col span={5}>
                <Form.Item name="effectiveOn" label="生效日期" rules={[{ required: true, message: "请填写生效日期" }]}>
                  <Input placeholder="YYYY-MM-DD" maxLength={10} />
                </Form.Item>
              </Col>
              <Col span={8}>
                <Form.Item name="documentNumber" label="决定文号" rules={[{ required: true, message: "请填写决定文号，如 涟政办发〔2025〕58号" }]}>
                  <Input placeholder="涟政办发〔2025〕58号" maxLength={40} />
                </Form.Item>
              </Col>
              <Col span={5}>
                <Form.Item name="documentDate" label="文件日期" rules={[{ required: true, message: "请填写文件日期" }]}>
                  <Input placeholder="YYYY-MM-DD" maxLength={10} />
                </Form.Item>
              </Col>
            </Row>
          </>
        )}
      </ActionForm>
    </Card>
  );
}
