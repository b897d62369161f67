// One case as its viewer may see it (the API masks what the role may not read): the facts, the
// time left, what is still missing, its documents, the county review's timeline, and for the
// clerk of its site the next actions.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Button, Card, Col, Descriptions, List, Row, Space, Spin, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import { acceptance, review as reviews } from "../api/clients";
import { explain, type Explained } from "../api/errors";
import { zh } from "../api/labels";
import { hasRole, useAuth } from "../auth";
import { DaysLeftTag } from "../components/DaysLeftTag";
import { DocumentView } from "../components/DocumentView";
import { ErrorAlert } from "../components/ErrorAlert";
import { ActivityTimeline, formatTime, ReviewSummary } from "../components/ReviewTimeline";
import {
  ApplicantKindSchema,
  type Case,
  CaseState,
  CaseStateSchema,
  DocumentKindSchema,
  IssueKindSchema,
  OutcomeSchema,
} from "../gen/tongban/acceptance/v1/acceptance_pb";
import { HandlingTypeSchema, ServiceModeSchema } from "../gen/tongban/acceptance/v1/catalog_pb";
import type { Review } from "../gen/tongban/approval/v1/approval_pb";
import { CaseActions } from "./clerk/CaseActions";
import { fetchDocument } from "./PrintDocument";

// The states whose clock runs at the window (sent back by the county, it is paused there).
export const RUNNING = [CaseState.ACCEPTED, CaseState.DECIDED];

export function stateColour(state: CaseState): string {
  if (state === CaseState.SUPPLEMENT_REQUESTED || state === CaseState.REVIEW_SUPPLEMENT) return "orange";
  if (state === CaseState.NOT_ACCEPTED || state === CaseState.WITHDRAWN) return "default";
  if (state === CaseState.RESULT_ISSUED || state === CaseState.COMPLETED) return "green";
  return "blue";
}

function LatestDocument({ number }: { number: string }) {
  const [doc, setDoc] = useState<{ html?: string; text: string } | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    setError(null);
    fetchDocument(number)
      .then(setDoc)
      .catch((reason: unknown) => setError(explain(reason)));
  }, [number]);
  if (error) return <ErrorAlert error={error} />;
  if (!doc) return <Spin />;
  return <DocumentView html={doc.html} text={doc.text} />;
}

export function CaseDetail() {
  const { caseNo = "" } = useParams();
  const location = useLocation();
  const { user } = useAuth();
  const [item, setItem] = useState<Case | null>(null);
  const [reviewed, setReviewed] = useState<Review | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [shown, setShown] = useState<string | undefined>((location.state as { document?: string } | null)?.document);

  const load = useCallback(() => {
    setError(null);
    acceptance
      .getCase({ caseNo })
      .then(({ case: found }) => setItem(found ?? null))
      .catch((reason: unknown) => setError(explain(reason)));
    // Only county-decided cases have a review; a refusal here is no error of the page.
    reviews.getReview({ caseNo }).then(({ review }) => setReviewed(review ?? null), () => setReviewed(null));
  }, [caseNo]);
  useEffect(load, [load]);

  if (error) return <ErrorAlert error={error} />;
  if (!item) return <Spin tip="正在读取办件…"><div style={{ height: 200 }} /></Spin>;
  const applicant = item.applicant;
  const clerkHere = hasRole(user, "clerk") && user?.siteCode === item.siteCode;
  const latest = shown ?? item.documents.at(-1)?.number;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Card
        title={
          <Space>
            <span>办件 {item.caseNo}</span>
            <Tag color={stateColour(item.state)} data-testid="case-state">
              {zh(CaseStateSchema, item.state)}
            </Tag>
            <DaysLeftTag
              daysLeft={item.workingDaysLeft}
              overdue={item.overdue}
              limitDays={item.promisedLimitDays}
              running={RUNNING.includes(item.state)}
            />
          </Space>
        }
        extra={<Button onClick={load}>刷新</Button>}
      >
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label="事项">
            {item.matterName}（{item.matterCode}）
          </Descriptions.Item>
          <Descriptions.Item label="实施部门">{item.departmentName}</Descriptions.Item>
          <Descriptions.Item label="类型">
            {zh(HandlingTypeSchema, item.handlingType)} · {zh(ServiceModeSchema, item.serviceMode)}
          </Descriptions.Item>
          <Descriptions.Item label="受理站点">
            {item.siteName} 窗口 {item.windowCode}
          </Descriptions.Item>
          <Descriptions.Item label="申请人">
            {applicant?.name}（{applicant ? zh(ApplicantKindSchema, applicant.kind) : ""}）
          </Descriptions.Item>
          <Descriptions.Item label="证件号码 / 电话">
            {applicant?.idNumber} / {applicant?.phone}
          </Descriptions.Item>
          <Descriptions.Item label="收件">
            {item.receivedTime ? formatTime(timestampDate(item.receivedTime)) : ""} 经办 {item.receivedBy}
          </Descriptions.Item>
          <Descriptions.Item label="受理日期">{item.acceptedOn || "—"}</Descriptions.Item>
          <Descriptions.Item label="承诺办结">
            {item.promisedDate ? `${item.promisedDate}（${item.promisedLimitDays} 个工作日）` : "—"}
          </Descriptions.Item>
          {item.decidedOn ? (
            <Descriptions.Item label="县级决定">
              {zh(OutcomeSchema, item.outcome)} <Link to={`/print/${item.decisionNumber}`}>{item.decisionNumber}</Link>（
              {item.decidedOn}），出件期限 {item.issueDueOn}
            </Descriptions.Item>
          ) : null}
          {item.issuedOn ? (
            <Descriptions.Item label="出件">
              {item.issuedOn} {item.resultSummary} 经办 {item.issuedBy}
            </Descriptions.Item>
          ) : null}
          {item.withdrawalReason ? <Descriptions.Item label="撤回原因">{item.withdrawalReason}</Descriptions.Item> : null}
          {item.nonAcceptance?.reason ? (
            <Descriptions.Item label="不予受理">
              {item.nonAcceptance.reason}；请向 {item.nonAcceptance.competentAgency} 申请
            </Descriptions.Item>
          ) : null}
        </Descriptions>
        {item.outstanding.length > 0 && (
          <List
            size="small"
            style={{ marginTop: 12 }}
            header={<Typography.Text strong>需补正材料（一次性告知，第 {item.noticeCount} 次）</Typography.Text>}
            dataSource={item.outstanding}
            renderItem={(issue) => (
              <List.Item>
                {issue.materialCode} {issue.materialName} <Tag color="red">{zh(IssueKindSchema, issue.kind)}</Tag> {issue.detail}
              </List.Item>
            )}
          />
        )}
        {item.reviewSupplementItems.length > 0 && (
          <List
            size="small"
            style={{ marginTop: 12 }}
            header={<Typography.Text strong>县级审查退回补正：{item.reviewSupplementReason}</Typography.Text>}
            dataSource={item.reviewSupplementItems}
            renderItem={(text) => <List.Item>{text}</List.Item>}
          />
        )}
      </Card>
      {clerkHere && (
        <CaseActions
          item={item}
          onChanged={(document) => {
            if (document) setShown(document);
            load();
          }}
        />
      )}
      <Row gutter={12}>
        <Col span={latest ? 10 : 24}>
          <Card title="文书" size="small">
            <List
              size="small"
              dataSource={item.documents}
              locale={{ emptyText: "暂无文书" }}
              renderItem={(d) => (
                <List.Item
                  actions={[
                    <a key="show" onClick={() => setShown(d.number)}>
                      查看
                    </a>,
                    <Link key="print" to={`/print/${d.number}`}>
                      打印
                    </Link>,
                  ]}
                >
                  {zh(DocumentKindSchema, d.kind)} {d.number}（{d.issuedOn}）
                </List.Item>
              )}
            />
          </Card>
        </Col>
        {latest && (
          <Col span={14}>
            <LatestDocument number={latest} />
          </Col>
        )}
      </Row>
      {reviewed && (
        <Card title="县级审查" size="small">
          <ReviewSummary review={reviewed} />
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            办理过程
          </Typography.Title>
          <ActivityTimeline review={reviewed} />
        </Card>
      )}
    </Space>
  );
}
