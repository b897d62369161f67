// A site's windows and staff (the centre administrator may pick any site, the township officer
// sees their own), and its departments' posts: a chief representative where a department has two
// or more at the window, else an A post and the B post who covers (the service checks which).
import { Card, Col, Form, Input, Row, Select, Space, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { organisation } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { zh } from "../../api/labels";
import { hasRole, useAuth } from "../../auth";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import {
  type Site,
  type StaffMember,
  StaffRoleSchema,
  type Window,
  WindowKindSchema,
} from "../../gen/tongban/staff/v1/organisation_pb";

export function StaffPage() {
  const { user } = useAuth();
  const admin = hasRole(user, "centre_admin");
  const [sites, setSites] = useState<Site[]>([]);
  const [siteCode, setSiteCode] = useState(user?.siteCode ?? "");
  const [staff, setStaff] = useState<StaffMember[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    organisation
      .listSites({})
      .then((answer) => setSites(answer.sites))
      .catch((reason: unknown) => setError(explain(reason)));
  }, []);
  const load = useCallback(() => {
    setLoading(true);
    organisation
      .listStaff({ siteCode })
      .then((answer) => setStaff(answer.staff))
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, [siteCode]);
  useEffect(load, [load]);
  const site = sites.find((s) => s.code === siteCode);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card
        title="窗口与人员"
        extra={
          admin && (
            <Select
              style={{ width: 260 }}
              value={siteCode}
              onChange={setSiteCode}
              options={sites.map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
              aria-label="站点"
            />
          )
        }
      >
        <ErrorAlert error={error} />
        <Table<Window>
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={site?.windows ?? []}
          columns={[
            { title: "窗口", dataIndex: "code", width: 150 },
            { title: "名称", dataIndex: "name" },
            { title: "类型", width: 100, render: (_, w) => zh(WindowKindSchema, w.kind) },
            { title: "部门", dataIndex: "departmentCode", width: 70 },
            { title: "办公时间", render: (_, w) => w.openingHours.join("，") },
            { title: "", width: 70, render: (_, w) => (w.closed ? <Tag>已撤销</Tag> : null) },
          ]}
        />
        <Table<StaffMember>
          style={{ marginTop: 12 }}
          rowKey="userId"
          size="small"
          loading={loading}
          dataSource={staff}
          pagination={{ pageSize: 15, hideOnSinglePage: true }}
          columns={[
            { title: "用户编号", dataIndex: "userId", width: 150 },
            { title: "姓名", dataIndex: "name", width: 100 },
            { title: "派驻单位", dataIndex: "originalUnit" },
            { title: "窗口", dataIndex: "windowCode", width: 150 },
            { title: "部门", dataIndex: "departmentCode", width: 60 },
            { title: "岗位", render: (_, m) => m.roles.map((r) => <Tag key={r}>{zh(StaffRoleSchema, r)}</Tag>) },
            {
              title: "账号",
              width: 110,
              render: (_, m) =>
                !m.active ? <Tag>已离岗</Tag> : m.account?.disabled ? <Tag color="red">已停用</Tag> : <Tag color="green">正常</Tag>,
            },
          ]}
        />
      </Card>
      <Card title="设置 A/B 岗" size="small">
        <ActionForm<{ departmentCode: string; chiefRepresentative: string; aPost: string; bPost: string }>
          name="posts"
          fields={["departmentCode", "chiefRepresentative", "aPost", "bPost"]}
          submitText="保存岗位"
          doneText="岗位已保存"
          run={(v, requestId) => organisation.setPosts({ requestId, siteCode, ...v })}
          onDone={load}
        >
          {() => (
            <Row gutter={12}>
              <Col span={6}>
                <Form.Item name="departmentCode" label="部门编码" rules={[{ required: true, message: "请填写部门编码，如 GA" }]}>
                  <Input placeholder="如 GA" />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="chiefRepresentative" label="首席代表（两人以上部门）">
                  <Input placeholder="用户编号" />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="aPost" label="A 岗（一人部门）">
                  <Input placeholder="用户编号" />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="bPost" label="B 岗（一人部门）">
                  <Input placeholder="用户编号" />
                </Form.Item>
              </Col>
            </Row>
          )}
        </ActionForm>
      </Card>
    </Space>
  );
}
