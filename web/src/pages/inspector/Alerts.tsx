// The inspector's alerts board: a card per alert in its severity's colour, filters, taking an
// alert in hand, and opening an accountability case from the alerts of one department.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Button, Card, Checkbox, Col, Empty, Form, Input, Modal, Row, Select, Space, Spin, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { requestId, supervision } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { options, zh } from "../../api/labels";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Pager } from "../../components/Pager";
import { RecordBadge } from "../../components/RecordBadge";
import { formatTime } from "../../components/ReviewTimeline";
import { type Alert, AlertSeveritySchema, AlertState, AlertStateSchema } from "../../gen/tongban/supervision/v1/supervision_pb";
import { usePaged } from "../../lib/paging";
import { SEVERITY_COLOUR } from "../../lib/severity";

interface Filters {
  severity: number;
  state: number;
  siteCode: string;
  departmentCode: string;
  caseNo: string;
}

export function Alerts() {
  const navigate = useNavigate();
  const [filters, setFilters] = useState<Filters>({ severity: 0, state: 0, siteCode: "", departmentCode: "", caseNo: "" });
  const [chosen, setChosen] = useState<Map<bigint, Alert>>(new Map());
  const [opening, setOpening] = useState(false);
  const [ackError, setAckError] = useState<Explained | null>(null);
  const paged = usePaged<Alert>(
    async (pageToken) => {
      const answer = await supervision.listAlerts({ ...filters, pageSize: 12, pageToken });
      return { items: answer.alerts, nextPageToken: answer.nextPageToken };
    },
    JSON.stringify(filters),
  );
  const choose = (alert: Alert, on: boolean) => {
    const next = new Map(chosen);
    if (on) next.set(alert.alertId, alert);
    else next.delete(alert.alertId);
    setChosen(next);
  };
  const acknowledge = async (alert: Alert) => {
    setAckError(null);
    try {
      await supervision.acknowledgeAlert({ requestId: requestId(), alertId: alert.alertId, note: "" });
      paged.reload();
    } catch (reason) {
      setAckError(explain(reason));
    }
  };
  const text = (key: keyof Filters) => (value: string) => setFilters({ ...filters, [key]: value.trim() });
  return (
    <Card
      title={
        <Space>
          预警看板
          <RecordBadge />
        </Space>
      }
      extra={
        <Button type="primary" disabled={!chosen.size} onClick={() => setOpening(true)}>
          立案问责（已选 {chosen.size} 条）
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 130 }}
          value={filters.severity}
          onChange={(severity: number) => setFilters({ ...filters, severity })}
          options={[{ value: 0, label: "全部级别" }, ...options(AlertSeveritySchema)]}
          aria-label="级别"
        />
        <Select
          style={{ width: 120 }}
          value={filters.state}
          onChange={(state: number) => setFilters({ ...filters, state })}
          options={[{ value: 0, label: "全部状态" }, ...options(AlertStateSchema)]}
          aria-label="状态"
        />
        <Input.Search placeholder="站点编码" allowClear style={{ width: 160 }} onSearch={text("siteCode")} aria-label="站点编码" />
        <Input.Search placeholder="部门编码，如 GA" allowClear style={{ width: 160 }} onSearch={text("departmentCode")} aria-label="部门编码" />
        <Input.Search placeholder="办件编号" allowClear style={{ width: 240 }} onSearch={text("caseNo")} aria-label="办件编号" />
      </Space>
      <ErrorAlert error={paged.error ?? ackError} />
      <Spin spinning={paged.loading}>
        {paged.items.length === 0 && !paged.loading ? (
          <Empty description="没有符合条件的预警" />
        ) : (
          <Row gutter={[12, 12]}>
            {paged.items.map((alert) => (
              <Col key={String(alert.alertId)} xs={24} md={12} xl={8}>
                <Card
                  size="small"
                  data-testid="alert-card"
                  data-severity={zh(AlertSeveritySchema, alert.severity)}
                  style={{ borderLeft: `6px solid ${SEVERITY_COLOUR[alert.severity]}` }}
                  title={
                    <Space>
                      <Checkbox
                        checked={chosen.has(alert.alertId)}
                        onChange={(e) => choose(alert, e.target.checked)}
                        aria-label={`选择预警 ${alert.alertId}`}
                      />
                      <Tag color={SEVERITY_COLOUR[alert.severity]}>{zh(AlertSeveritySchema, alert.severity)}</Tag>
                      <span>#{String(alert.alertId)} {alert.rule}</span>
                    </Space>
                  }
                  extra={<Tag>{zh(AlertStateSchema, alert.state)}</Tag>}
                >
                  <Typography.Paragraph style={{ marginBottom: 4 }}>{alert.summary}</Typography.Paragraph>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {alert.raiseTime ? formatTime(timestampDate(alert.raiseTime)) : ""} · 站点 {alert.siteCode}
                    {alert.departmentCode && ` · 部门 ${alert.departmentCode}`}
                    {alert.finishBy && ` · 限 ${alert.finishBy} 前办结`}
                  </Typography.Text>
                  <div style={{ marginTop: 6 }}>
                    <Space>
                      {alert.caseNo && <Link to={`/cases/${alert.caseNo}`}>办件 {alert.caseNo}</Link>}
                      {alert.state === AlertState.OPEN && (
                        <Button size="small" onClick={() => void acknowledge(alert)}>
                          签收
                        </Button>
                      )}
                    </Space>
                  </div>
                </Card>
              </Col>
            ))}
          </Row>
        )}
      </Spin>
      <Pager paged={paged} unit="条" />
      <Modal title="立案问责" open={opening} onCancel={() => setOpening(false)} footer={null} destroyOnHidden width={560}>
        <Typography.Paragraph>
          预警：{[...chosen.values()].map((a) => `#${a.alertId}（${a.departmentCode || a.siteCode}）`).join("、")}
        </Typography.Paragraph>
        <ActionForm<{ userId: string; reason: string }>
          name="open"
          fields={["userId", "reason", "alertIds"]}
          submitText="立案"
          run={async (v, rid) => {
            const answer = await supervision.openAccountabilityCase({
              requestId: rid,
              alertIds: [...chosen.keys()],
              userId: v.userId?.trim() ?? "",
              reason: v.reason,
            });
            navigate(`/inspector/accountability/${answer.accountabilityCase?.caseId ?? ""}`);
          }}
          onDone={() => setOpening(false)}
        >
          {() => (
            <>
              <Form.Item name="userId" label="责任人（用户编号，可不填）">
                <Input placeholder="如 reviewer-county" />
              </Form.Item>
              <Form.Item name="reason" label="立案理由" rules={[{ required: true, message: "请写明立案理由" }]}>
                <Input.TextArea rows={3} />
              </Form.Item>
            </>
          )}
        </ActionForm>
      </Modal>
    </Card>
  );
}
