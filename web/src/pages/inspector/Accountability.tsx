// Accountability cases (问责) from opening to decision: the list, and one case with its next step
// (ask for a written explanation, record it, decide, close).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Card, Descriptions, Form, Input, InputNumber, Select, Space, Spin, Table, Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { supervision } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { options, zh } from "../../api/labels";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Pager } from "../../components/Pager";
import { RecordBadge } from "../../components/RecordBadge";
import { formatTime } from "../../components/ReviewTimeline";
import {
  type AccountabilityCase,
  AccountabilityOutcome,
  AccountabilityOutcomeSchema,
  AccountabilityState,
  AccountabilityStateSchema,
} from "../../gen/tongban/supervision/v1/supervision_pb";
import { usePaged } from "../../lib/paging";

export function AccountabilityList() {
  const [state, setState] = useState(0);
  const paged = usePaged<AccountabilityCase>(
    async (pageToken) => {
      const answer = await supervision.listAccountabilityCases({ state, pageSize: 15, pageToken });
      return { items: answer.accountabilityCases, nextPageToken: answer.nextPageToken };
    },
    String(state),
  );
  return (
    <Card title="问责案件">
      <Select
        style={{ width: 160, marginBottom: 12 }}
        value={state}
        onChange={setState}
        options={[{ value: 0, label: "全部状态" }, ...options(AccountabilityStateSchema)]}
        aria-label="状态"
      />
      <ErrorAlert error={paged.error} />
      <Table<AccountabilityCase>
        rowKey={(c) => String(c.caseId)}
        size="small"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={false}
        columns={[
          { title: "案件", width: 80, render: (_, c) => <Link to={`/inspector/accountability/${c.caseId}`}>#{String(c.caseId)}</Link> },
          { title: "状态", width: 120, render: (_, c) => <Tag>{zh(AccountabilityStateSchema, c.state)}</Tag> },
          { title: "部门/站点", width: 110, render: (_, c) => c.departmentCode || c.siteCode },
          { title: "责任人", width: 140, dataIndex: "userId" },
          { title: "理由", dataIndex: "reason" },
          { title: "立案", width: 140, render: (_, c) => (c.openTime ? formatTime(timestampDate(c.openTime)) : "") },
        ]}
      />
      <Pager paged={paged} />
    </Card>
  );
}

export function AccountabilityDetail() {
  const { caseId = "0" } = useParams();
  const [item, setItem] = useState<AccountabilityCase | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const load = useCallback(() => {
    supervision
      .getAccountabilityCase({ caseId: BigInt(caseId) })
      .then(({ accountabilityCase }) => setItem(accountabilityCase ?? null))
      .catch((reason: unknown) => setError(explain(reason)));
  }, [caseId]);
  useEffect(load, [load]);
  if (error) return <ErrorAlert error={error} />;
  if (!item) return <Spin tip="正在读取…"><div style={{ height: 200 }} /></Spin>;
  const id = item.caseId;
  const step = (() => {
    switch (item.state) {
      case AccountabilityState.OPEN:
        return (
          <ActionForm<{ question: string; dueDate: string }>
            key="ask"
            name="ask"
            fields={["question", "dueDate"]}
            submitText="要求书面说明"
            run={(v, requestId) => supervision.requestExplanation({ requestId, caseId: id, ...v })}
            onDone={load}
          >
            {() => (
              <Space align="start" wrap>
                <Form.Item name="question" label="需说明的问题" rules={[{ required: true, message: "请写明需说明的问题" }]}>
                  <Input style={{ width: 420 }} />
                </Form.Item>
                <Form.Item name="dueDate" label="说明期限（YYYY-MM-DD）" rules={[{ required: true, message: "请填写期限" }]}>
                  <Input style={{ width: 160 }} placeholder="2026-12-10" />
                </Form.Item>
              </Space>
            )}
          </ActionForm>
        );
      case AccountabilityState.EXPLANATION_REQUESTED:
        return (
          <ActionForm<{ explanation: string }>
            key="explain"
            name="explain"
            fields={["explanation"]}
            submitText="登记书面说明"
            run={(v, requestId) => supervision.recordExplanation({ requestId, caseId: id, ...v })}
            onDone={load}
          >
            {() => (
              <Form.Item name="explanation" label="书面说明" rules={[{ required: true, message: "请填写说明内容" }]}>
                <Input.TextArea rows={3} />
              </Form.Item>
            )}
          </ActionForm>
        );
      case AccountabilityState.EXPLANATION_RECEIVED:
        return (
          <ActionForm<{ outcome: AccountabilityOutcome; points: number; reasons: string }>
            key="decide"
            name="decide"
            fields={["outcome", "points", "reasons"]}
            submitText="作出问责决定"
            initialValues={{ outcome: AccountabilityOutcome.CRITICISM, points: 0 }}
            run={(v, requestId) => supervision.decideAccountabilityCase({ requestId, caseId: id, ...v, points: v.points ?? 0 })}
            onDone={load}
          >
            {() => (
              <Space align="start" wrap>
                <Form.Item name="outcome" label="决定">
                  <Select style={{ width: 140 }} options={options(AccountabilityOutcomeSchema)} />
                </Form.Item>
                <Form.Item name="points" label="扣分">
                  <InputNumber min={0} max={100} />
                </Form.Item>
                <Form.Item name="reasons" label="理由" rules={[{ required: true, message: "请写明理由" }]}>
                  <Input style={{ width: 360 }} />
                </Form.Item>
              </Space>
            )}
          </ActionForm>
        );
      case AccountabilityState.DECIDED:
        return (
          <ActionForm<object> key="close" name="close" fields={[]} submitText="结案" run={(_v, requestId) => supervision.closeAccountabilityCase({ requestId, caseId: id })} onDone={load}>
            {() => null}
          </ActionForm>
        );
      default:
        return null;
    }
  })();
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card title={`问责案件 #${String(item.caseId)}`} extra={<Tag color="blue" data-testid="accountability-state">{zh(AccountabilityStateSchema, item.state)}</Tag>}>
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label="部门/站点">{item.departmentCode || item.siteCode}</Descriptions.Item>
          <Descriptions.Item label="责任人">{item.userId || "—"}</Descriptions.Item>
          <Descriptions.Item label="立案">
            {item.openTime ? formatTime(timestampDate(item.openTime)) : ""} {item.openedBy}
          </Descriptions.Item>
          <Descriptions.Item label="预警">{item.alertIds.map((a) => `#${a}`).join("、")}</Descriptions.Item>
          <Descriptions.Item label="监察记录" span={2}>
            <Space wrap>
              <span>{item.recordSeqs.length ? `第 ${item.recordSeqs.map(String).join("、")} 条` : "尚未记入"}</span>
              <RecordBadge seqs={item.recordSeqs} />
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label="立案理由" span={2}>
            {item.reason}
          </Descriptions.Item>
          {/* "" would be an empty child, drawn as an empty row */}
          {item.question ? (
            <Descriptions.Item label="要求说明" span={2}>
              {item.question}（{item.explanationDue} 前）
            </Descriptions.Item>
          ) : null}
          {item.explanation ? (
            <Descriptions.Item label="书面说明" span={2}>
              {item.explanation}
            </Descriptions.Item>
          ) : null}
          {item.outcome !== AccountabilityOutcome.UNSPECIFIED && (
            <Descriptions.Item label="决定" span={2}>
              {zh(AccountabilityOutcomeSchema, item.outcome)}
              {item.points ? ` 扣 ${item.points} 分` : ""}：{item.decisionReasons}（{item.decidedBy}）
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {step && (
        <Card size="small" title="下一步">
          {step}
        </Card>
      )}
    </Space>
  );
}
