// The supervision record's check (记录核验): whether every alert, acknowledgement and decision is
// on the record as written, how many entries, the hash it ends on, and where it broke if it did.
import { Button, Card, Descriptions, Result, Spin, Typography } from "antd";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatTime } from "../../components/ReviewTimeline";
import { useRecordCheck } from "../../components/RecordBadge";
import { chineseProblem, groupedHash } from "../../lib/record";

export function RecordVerification() {
  const { check, loading, error, checkedAt, reload } = useRecordCheck();
  return (
    <Card
      title="监察记录核验"
      extra={
        <Button onClick={reload} loading={loading}>
          重新核验
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        监察记录只增不改：每条预警、签收和问责决定依次记入，每条的哈希值涵盖其序号、类别、内容和前一条的哈希值。
        核验从第一条起逐条重算，并比对预警和问责决定与记录是否一致；任何一条被改动、删除、插入或调序，都会在此指出。
      </Typography.Paragraph>
      <ErrorAlert error={error} />
      <Spin spinning={loading} tip="正在逐条核验…">
        {check ? (
          <div data-testid="record-verification" data-intact={String(check.intact)}>
            {check.intact ? (
              <Result
                status="success"
                title="监察记录完整"
                subTitle={`共 ${check.entries} 条，逐条校验无误，无改动、删除、插入或调序。`}
                style={{ padding: "16px 0" }}
              />
            ) : (
              <Result
                status="error"
                title="监察记录被改动"
                subTitle={`自第 ${check.firstBadSeq} 条起与记录不符：${chineseProblem(check.problem)}。此前各条逐条相连无误；此后各条不能确认未被改动，请保全数据库并报告。`}
                style={{ padding: "16px 0" }}
              />
            )}
            <Descriptions size="small" column={1} bordered styles={{ label: { width: 160 } }}>
              <Descriptions.Item label="结论">{check.intact ? "完整" : "被改动"}</Descriptions.Item>
              <Descriptions.Item label="已核验条数">{String(check.entries)}</Descriptions.Item>
              {check.intact ? (
                <Descriptions.Item label="末条哈希（SHA-256）">
                  <Typography.Text code copyable={{ text: check.headHash }} data-testid="record-head">
                    {groupedHash(check.headHash)}
                  </Typography.Text>
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      请抄录此值并注明日期：日后核验时记录只应在其后增加，若此前的条目变动，核验即不通过。
                    </Typography.Text>
                  </div>
                </Descriptions.Item>
              ) : (
                <>
                  <Descriptions.Item label="首个不符条目">第 {String(check.firstBadSeq)} 条</Descriptions.Item>
                  <Descriptions.Item label="问题">{check.problem}</Descriptions.Item>
                </>
              )}
              <Descriptions.Item label="核验时间">{checkedAt ? formatTime(checkedAt) : "—"}</Descriptions.Item>
            </Descriptions>
          </div>
        ) : (
          <div style={{ height: 200 }} />
        )}
      </Spin>
    </Card>
  );
}
