// What the window does next with a case, offered only in the states that allow it: supplement
// after a one-time notice (or the county's send-back), withdraw, complete an instant matter on
// the spot, hand over the result.
import { Card, Form, Input, Radio, Tabs } from "antd";
import { useEffect, useRef, useState } from "react";
import { acceptance, catalog } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type Checklist, emptyChecklist, MaterialsChecklist, provided } from "../../components/MaterialsChecklist";
import { type Case, CaseState, Outcome } from "../../gen/tongban/acceptance/v1/acceptance_pb";
import { DecidingLevel, HandlingType, type Matter } from "../../gen/tongban/acceptance/v1/catalog_pb";

const OPEN = [CaseState.RECEIVED, CaseState.SUPPLEMENT_REQUESTED, CaseState.ACCEPTED, CaseState.REVIEW_SUPPLEMENT];

function Supplement({ item, onDone }: { item: Case; onDone: (document?: string) => void }) {
  const [matter, setMatter] = useState<Matter | null>(null);
  const [checklist, setChecklist] = useState<Checklist>({});
  const [loadError, setLoadError] = useState<Explained | null>(null);
  useEffect(() => {
    catalog
      .getMatter({ code: item.matterCode })
      .then(({ matter: m }) => {
        setMatter(m ?? null);
        setChecklist(emptyChecklist(m?.materials ?? []));
      })
      .catch((reason: unknown) => setLoadError(explain(reason)));
  }, [item.matterCode]);
  const outstanding = new Set(item.outstanding.map((issue) => issue.materialCode));
  const issued = useRef<string | undefined>(undefined);
  return (
    <ActionForm<{ newFact: string }>
      name="supplement"
      fields={["newFact"]}
      submitText="提交补正材料"
      run={async (values, requestId) => {
        const answer = await acceptance.supplementMaterials({
          requestId,
          caseNo: item.caseNo,
          ...provided(checklist),
          newFact: values.newFact ?? "",
        });
        issued.current = answer.document?.number;
      }}
      onDone={() => onDone(issued.current)}
    >
      {() => (
        <>
          <ErrorAlert error={loadError} />
          {matter && (
            <MaterialsChecklist materials={matter.materials} value={checklist} onChange={setChecklist} outstanding={outstanding} />
          )}
          <Form.Item
            style={{ marginTop: 12 }}
            label="新的情况（仅在确需再次告知时填写，一次性告知后不得再次告知）"
            name="newFact"
          >
            <Input.TextArea rows={2} />
          </Form.Item>
        </>
      )}
    </ActionForm>
  );
}

export function CaseActions({ item, onChanged }: { item: Case; onChanged: (document?: string) => void }) {
  const tabs = [];
  if (item.state === CaseState.SUPPLEMENT_REQUESTED || item.state === CaseState.REVIEW_SUPPLEMENT) {
    tabs.push({ key: "supplement", label: "补正", children: <Supplement item={item} onDone={onChanged} /> });
  }
  if (item.state === CaseState.ACCEPTED && item.handlingType === HandlingType.INSTANT) {
    tabs.push({
      key: "complete",
      label: "当场办结",
      children: (
        <ActionForm<{ resultSummary: string }>
          name="complete"
          fields={["resultSummary"]}
          submitText="办结"
          run={(v, requestId) => acceptance.completeInstantCase({ requestId, caseNo: item.caseNo, resultSummary: v.resultSummary })}
          onDone={() => onChanged()}
        >
          {() => (
            <Form.Item label="办理结果" name="resultSummary" rules={[{ required: true, message: "请填写办理结果" }]}>
              <Input />
            </Form.Item>
          )}
        </ActionForm>
      ),
    });
  }
  const townshipDecides = item.decidingLevel === DecidingLevel.TOWNSHIP && item.state === CaseState.ACCEPTED;
  if (item.state === CaseState.DECIDED || (townshipDecides && item.handlingType !== HandlingType.INSTANT)) {
    tabs.push({
      key: "issue",
      label: "出件",
      children: (
        <ActionForm<{ outcome: Outcome; resultSummary: string; recipientName: string }>
          name="issue"
          fields={["outcome", "resultSummary", "recipientName"]}
          submitText="出件"
          initialValues={{ outcome: item.outcome || Outcome.APPROVED }}
          run={(v, requestId) => acceptance.issueResult({ requestId, caseNo: item.caseNo, ...v })}
          onDone={() => onChanged()}
        >
          {() => (
            <>
              {townshipDecides && (
                <Form.Item label="决定" name="outcome">
                  <Radio.Group
                    options={[
                      { value: Outcome.APPROVED, label: "准予" },
                      { value: Outcome.REFUSED, label: "不予" },
                    ]}
                  />
                </Form.Item>
              )}
              <Form.Item label="办理结果" name="resultSummary" rules={[{ required: true, message: "请填写办理结果，如 证照编号" }]}>
                <Input />
              </Form.Item>
              <Form.Item label="领取人" name="recipientName" rules={[{ required: true, message: "请填写领取人姓名" }]}>
                <Input style={{ width: 240 }} />
              </Form.Item>
            </>
          )}
        </ActionForm>
      ),
    });
  }
  if (OPEN.includes(item.state)) {
    tabs.push({
      key: "withdraw",
      label: "撤回",
      children: (
        <ActionForm<{ reason: string }>
          name="withdraw"
          fields={["reason"]}
          submitText="撤回申请"
          danger
          run={(v, requestId) => acceptance.withdrawCase({ requestId, caseNo: item.caseNo, reason: v.reason })}
          onDone={() => onChanged()}
        >
          {() => (
            <Form.Item label="撤回原因（申请人申请撤回）" name="reason" rules={[{ required: true, message: "请填写撤回原因" }]}>
              <Input.TextArea rows={2} />
            </Form.Item>
          )}
        </ActionForm>
      ),
    });
  }
  if (!tabs.length) return null;
  return (
    <Card title="窗口办理" size="small" className="no-print" style={{ marginTop: 12 }}>
      <Tabs items={tabs} />
    </Card>
  );
}
