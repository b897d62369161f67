// Leave at a site (请销假): file a request for a member of staff, and approve or refuse it level
// by level along its chain (business section, deputy director, the original unit's leader).
import { Button, Card, DatePicker, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useCallback, useEffect, useState } from "react";
import { leave as leaves, requestId } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { zh } from "../../api/labels";
import { hasRole, useAuth } from "../../auth";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ApprovalLevelSchema, type Leave, LeaveStateSchema } from "../../gen/tongban/staff/v1/leave_pb";
import { nextLevel } from "../../lib/leave";

const DAY = "YYYY-MM-DD";

export function LeavePage() {
  const { user } = useAuth();
  const admin = hasRole(user, "centre_admin");
  const [site, setSite] = useState(user?.siteCode ?? "");
  const [year, setYear] = useState(dayjs().year());
  const [quarter, setQuarter] = useState(Math.floor(dayjs().month() / 3) + 1);
  const [items, setItems] = useState<Leave[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const load = useCallback(() => {
    setLoading(true);
    setError(null);
    leaves
      .listLeave({ siteCode: site, year, quarter })
      .then((answer) => setItems(answer.leaves))
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, [site, year, quarter]);
  useEffect(load, [load]);
  const decide = async (item: Leave, level: number, approve: boolean) => {
    setError(null);
    try {
      await leaves.decideLeave({ requestId: requestId(), leaveId: item.leaveId, level, approve, note: "" });
      load();
    } catch (reason) {
      setError(explain(reason));
    }
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title="请假审批">
        <Space style={{ marginBottom: 12 }} wrap>
          {admin && (
            <Input.Search
              defaultValue={site}
              placeholder="站点编码"
              style={{ width: 180 }}
              onSearch={(v) => setSite(v.trim())}
              aria-label="站点编码"
            />
          )}
          <InputNumber value={year} min={2004} max={2100} onChange={(v) => v && setYear(v)} aria-label="年度" />
          <Select
            value={quarter}
            style={{ width: 100 }}
            onChange={setQuarter}
            options={[1, 2, 3, 4].map((q) => ({ value: q, label: `第 ${q} 季度` }))}
            aria-label="季度"
          />
        </Space>
        <ErrorAlert error={error} />
        <Table<Leave>
          rowKey={(l) => String(l.leaveId)}
          size="small"
          loading={loading}
          dataSource={items}
          pagination={{ pageSize: 15, hideOnSinglePage: true }}
          columns={[
            { title: "#", width: 50, render: (_, l) => String(l.leaveId) },
            { title: "人员", dataIndex: "userId", width: 140 },
            { title: "日期", width: 200, render: (_, l) => `${l.startOn} 至 ${l.endOn}` },
            { title: "工作日", dataIndex: "workingDays", width: 70 },
            { title: "事由", dataIndex: "reason" },
            { title: "状态", width: 90, render: (_, l) => <Tag>{zh(LeaveStateSchema, l.state)}</Tag> },
            {
              title: "审批",
              width: 260,
              render: (_, l) => {
                const level = nextLevel(l);
                const done = l.approvals.map((a) => `${zh(ApprovalLevelSchema, a.level)}${a.approved ? "同意" : "不同意"}`);
                if (level === undefined) return done.join("，") || "—";
                return (
                  <Space size={4} wrap>
                    <span>{zh(ApprovalLevelSchema, level)}：</span>
                    <Button size="small" type="primary" onClick={() => void decide(l, level, true)}>
                      批准
                    </Button>
                    <Popconfirm title="不批准这次请假？" onConfirm={() => void decide(l, level, false)}>
                      <Button size="small" danger>
                        不批准
                      </Button>
                    </Popconfirm>
                  </Space>
                );
              },
            },
          ]}
        />
      </Card>
      <Card title="登记请假" size="small">
        <ActionForm<{ userId: string; dates: [Dayjs, Dayjs]; reason: string }>
          name="leave"
          fields={["userId", "reason", "startOn", "endOn"]}
          submitText="提交请假申请"
          doneText="请假申请已提交"
          run={(v, rid) =>
            leaves.requestLeave({
              requestId: rid,
              userId: v.userId.trim(),
              startOn: v.dates[0].format(DAY),
              endOn: v.dates[1].format(DAY),
              reason: v.reason,
            })
          }
          onDone={load}
        >
          {() => (
            <Space align="start" wrap>
              <Form.Item name="userId" label="人员（用户编号）" rules={[{ required: true, message: "请填写用户编号" }]}>
                <Input style={{ width: 180 }} placeholder="如 clerk-county" />
              </Form.Item>
              <Form.Item name="dates" label="起止日期" rules={[{ required: true, message: "请选择起止日期" }]}>
                <DatePicker.RangePicker />
              </Form.Item>
              <Form.Item name="reason" label="事由" rules={[{ required: true, message: "请填写事由" }]}>
                <Input style={{ width: 320 }} />
              </Form.Item>
            </Space>
          )}
        </ActionForm>
      </Card>
    </Space>
  );
}
