// One case's county review: claim the active step, agree or disagree with an opinion, send back
// for supplement, pause for a special procedure and resume, extend once, decide; the timeline.
import { Button, Card, Form, Input, InputNumber, Radio, Select, Space, Spin, Tabs } from "antd";
import { useCallback, useEffect, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { review as reviews } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { options, zh } from "../../api/labels";
import { useAuth } from "../../auth";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ActivityTimeline, ReviewSummary } from "../../components/ReviewTimeline";
import { SpecialProcedure, SpecialProcedureSchema, StepKind } from "../../gen/tongban/acceptance/v1/catalog_pb";
import {
  DecisionOutcome,
  type Review,
  ReviewDocumentKindSchema,
  ReviewState,
  StepState,
  Verdict,
} from "../../gen/tongban/approval/v1/approval_pb";

export function ReviewDetail() {
  const { caseNo = "" } = useParams();
  const { user } = useAuth();
  const [item, setItem] = useState<Review | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [claimError, setClaimError] = useState<Explained | null>(null);
  const load = useCallback(() => {
    reviews
      .getReview({ caseNo })
      .then(({ review }) => setItem(review ?? null))
      .catch((reason: unknown) => setError(explain(reason)));
  }, [caseNo]);
  useEffect(load, [load]);
  if (error) return <ErrorAlert error={error} />;
  if (!item) return <Spin tip="正在读取审查…"><div style={{ height: 200 }} /></Spin>;

  const active = item.steps.filter((s) => s.state === StepState.ACTIVE);
  const mine = active.find((s) => s.assignee === user?.userId);
  const claimable = active.find((s) => !s.assignee);
  const open = item.state === ReviewState.IN_REVIEW;
  const decisionStep = mine?.kind === StepKind.DECISION;
  const tabs = [];
  if (mine && !decisionStep) {
    tabs.push({
      key: "answer",
      label: `#${mine.number} ${mine.name}：签署意见`,
      children: (
        <ActionForm<{ verdict: Verdict; opinion: string }>
          name="answer"
          fields={["verdict", "opinion"]}
          submitText="提交意见"
          initialValues={{ verdict: Verdict.APPROVE, opinion: "" }}
          run={(v, requestId) => reviews.completeStep({ requestId, caseNo, stepNumber: mine.number, ...v })}
          onDone={load}
        >
          {() => (
            <>
              <Form.Item name="verdict" label="意见">
                <Radio.Group
                  options={[
                    { value: Verdict.APPROVE, label: "同意" },
                    { value: Verdict.REFUSE, label: "不同意（须写明理由）" },
                  ]}
                />
              </Form.Item>
              <Form.Item name="opinion" label="审查意见">
                <Input.TextArea rows={3} />
              </Form.Item>
            </>
          )}
        </ActionForm>
      ),
    });
  }
  if (mine && decisionStep) {
    tabs.push({
      key: "decide",
      label: "作出决定",
      children: (
        <ActionForm<{ outcome: DecisionOutcome; reasons: string }>
          name="decide"
          fields={["outcome", "reasons"]}
          submitText="作出决定"
          initialValues={{ outcome: DecisionOutcome.GRANTED, reasons: "" }}
          run={(v, requestId) => reviews.decideCase({ requestId, caseNo, ...v })}
          onDone={load}
        >
          {() => (
            <>
              <Form.Item name="outcome" label="决定">
                <Radio.Group
                  options={[
                    { value: DecisionOutcome.GRANTED, label: "准予许可" },
                    { value: DecisionOutcome.REFUSED, label: "不予许可（须写明理由）" },
                  ]}
                />
              </Form.Item>
              <Form.Item name="reasons" label="理由">
                <Input.TextArea rows={3} />
              </Form.Item>
            </>
          )}
        </ActionForm>
      ),
    });
  }
  if (mine) {
    tabs.push({
      key: "reassign",
      label: "改派",
      children: (
        <ActionForm<{ assignee: string; reason: string }>
          name="reassign"
          fields={["assignee", "reason"]}
          submitText="改派给同事"
          run={(v, requestId) => reviews.reassignStep({ requestId, caseNo, stepNumber: mine.number, ...v })}
          onDone={load}
        >
          {() => (
            <Space align="start" wrap>
              <Form.Item name="assignee" label="承办人（用户编号）" rules={[{ required: true, message: "请填写同事的用户编号" }]}>
                <Input style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="reason" label="改派原因">
                <Input style={{ width: 360 }} />
              </Form.Item>
            </Space>
          )}
        </ActionForm>
      ),
    });
  }
  if (mine && !item.sentBackUsed) {
    tabs.push({
      key: "sendback",
      label: "退回补正",
      children: (
        <ActionForm<{ items: string; reason: string }>
          name="sendback"
          fields={["items", "reason"]}
          submitText="退回补正（每件限一次，暂停计时）"
          run={(v, requestId) =>
            reviews.sendBackForSupplement({
              requestId,
              caseNo,
              stepNumber: mine.number,
              items: v.items.split("\n").map((s) => s.trim()).filter(Boolean),
              reason: v.reason,
            })
          }
          onDone={load}
        >
          {() => (
            <>
              <Form.Item name="items" label="需补正的内容（每行一项）" rules={[{ required: true, message: "请列出需补正的内容" }]}>
                <Input.TextArea rows={3} />
              </Form.Item>
              <Form.Item name="reason" label="理由" rules={[{ required: true, message: "请写明理由" }]}>
                <Input />
              </Form.Item>
            </>
          )}
        </ActionForm>
      ),
    });
  }
  if (open && mine && !item.clock?.paused) {
    tabs.push({
      key: "pause",
      label: "特殊环节",
      children: (
        <ActionForm<{ procedure: SpecialProcedure; reason: string; plannedDays: number }>
          name="pause"
          fields={["procedure", "reason", "plannedDays"]}
          submitText="开始特殊环节（暂停计时）"
          initialValues={{ procedure: SpecialProcedure.TESTING, plannedDays: 3 }}
          run={(v, requestId) => reviews.startSpecialProcedure({ requestId, caseNo, ...v })}
          onDone={load}
        >
          {() => (
            <Space align="start" wrap>
              <Form.Item name="procedure" label="环节">
                <Select style={{ width: 140 }} options={options(SpecialProcedureSchema)} />
              </Form.Item>
              <Form.Item name="plannedDays" label="计划工作日">
                <InputNumber min={1} max={365} />
              </Form.Item>
              <Form.Item name="reason" label="理由" rules={[{ required: true, message: "请写明理由" }]}>
                <Input style={{ width: 360 }} />
              </Form.Item>
            </Space>
          )}
        </ActionForm>
      ),
    });
  }
  if (open && item.clock?.paused) {
    tabs.push({
      key: "resume",
      label: "恢复计时",
      children: (
        <ActionForm<object>
          name="resume"
          fields={[]}
          submitText="结束特殊环节"
          run={(_v, requestId) => reviews.endSpecialProcedure({ requestId, caseNo })}
          onDone={load}
        >
          {() => null}
        </ActionForm>
      ),
    });
  }
  if (open && mine && !item.extension) {
    tabs.push({
      key: "extend",
      label: "延长期限",
      children: (
        <ActionForm<{ approver: string; reason: string }>
          name="extend"
          fields={["approver", "reason"]}
          submitText="延长（限一次）"
          run={(v, requestId) => reviews.extendTimeLimit({ requestId, caseNo, ...v })}
          onDone={load}
        >
          {() => (
            <Space align="start" wrap>
              <Form.Item name="approver" label="批准人" rules={[{ required: true, message: "请填写批准人" }]}>
                <Input style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="reason" label="理由" rules={[{ required: true, message: "请写明理由" }]}>
                <Input style={{ width: 360 }} />
              </Form.Item>
            </Space>
          )}
        </ActionForm>
      ),
    });
  }
  const claim = async () => {
    if (!claimable) return;
    setClaimError(null);
    try {
      await reviews.claimStep({ requestId: crypto.randomUUID(), caseNo, stepNumber: claimable.number });
      load();
    } catch (reason) {
      setClaimError(explain(reason));
    }
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card
        title={`审查 ${item.caseNo} · ${item.matterName}`}
        extra={
          <Space>
            <Link to={`/cases/${item.caseNo}`}>办件详情</Link>
            {claimable && !mine && (
              <Button type="primary" onClick={() => void claim()}>
                签收 #{claimable.number} {claimable.name}
              </Button>
            )}
          </Space>
        }
      >
        <ErrorAlert error={claimError} />
        <ReviewSummary review={item} />
      </Card>
      {tabs.length > 0 && (
        <Card size="small" title="办理">
          <Tabs items={tabs} />
        </Card>
      )}
      <Card size="small" title="文书与办理过程">
        <Space direction="vertical">
          {item.documents.map((d) => (
            <Link key={d.number} to={`/print/${d.number}`}>
              {zh(ReviewDocumentKindSchema, d.kind)} {d.number}（{d.issuedOn}）
            </Link>
          ))}
          <ActivityTimeline review={item} />
        </Space>
      </Card>
    </Space>
  );
}
