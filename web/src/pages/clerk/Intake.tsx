// The intake form at the window: the applicant, the materials checklist from the matter, and
// one of the three outcomes (receipt, one-time notice, non-acceptance), which the service decides
// from what was handed in. Every refusal sentence lands beside its field.
import { Button, Card, Col, Descriptions, Form, Input, Radio, Row, Space, Spin, Switch, Typography } from "antd";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useAuth } from "../../auth";
import { acceptance, catalog } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { zh } from "../../api/labels";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type Checklist, emptyChecklist, MaterialsChecklist, provided } from "../../components/MaterialsChecklist";
import { ApplicantKind } from "../../gen/tongban/acceptance/v1/acceptance_pb";
import { HandlingTypeSchema, type Matter, ServiceModeSchema } from "../../gen/tongban/acceptance/v1/catalog_pb";
import { checkIdNumber } from "../../lib/idNumber";
import { useAttempt } from "../../lib/attempt";
import { placeFieldErrors } from "../../lib/formErrors";

interface Values {
  applicant: { kind: ApplicantKind; name: string; idNumber: string; phone: string; address: string };
  nonAcceptance?: { reason: string; competentAgency: string };
}

const FIELDS = new Set([
  "applicant.kind",
  "applicant.name",
  "applicant.idNumber",
  "applicant.phone",
  "applicant.address",
  "nonAcceptance.reason",
  "nonAcceptance.competentAgency",
]);

export function Intake() {
  const { matterCode = "" } = useParams();
  const navigate = useNavigate();
  const { user } = useAuth();
  const [form] = Form.useForm<Values>();
  const [matter, setMatter] = useState<Matter | null>(null);
  const [loadError, setLoadError] = useState<Explained | null>(null);
  const [checklist, setChecklist] = useState<Checklist>({});
  const [refusing, setRefusing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [rest, setRest] = useState<string[]>([]);
  // A retry after a lost answer cannot register the case twice.
  const [attempt, settle] = useAttempt();
  const kind = Form.useWatch(["applicant", "kind"], form);
  const idNumber = Form.useWatch(["applicant", "idNumber"], form) ?? "";

  useEffect(() => {
    catalog
      .getMatter({ code: matterCode })
      .then((answer) => {
        setMatter(answer.matter ?? null);
        setChecklist(emptyChecklist(answer.matter?.materials ?? []));
      })
      .catch((reason: unknown) => setLoadError(explain(reason)));
  }, [matterCode]);

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    setRest([]);
    try {
      const answer = await acceptance.submitApplication({
        requestId: attempt,
        matterCode,
        windowCode: user?.windowCode ?? "",
        applicant: { ...values.applicant, idNumber: values.applicant.idNumber.trim().toUpperCase() },
        ...provided(checklist),
        nonAcceptance: refusing ? values.nonAcceptance : undefined,
      });
      const caseNo = answer.case?.caseNo ?? "";
      navigate(`/cases/${caseNo}`, { state: { document: answer.document?.number } });
    } catch (reason) {
      const explained = explain(reason);
      settle(explained);
      const { placed, rest: others } = placeFieldErrors(explained.fields, (path) => FIELDS.has(path.join(".")));
      form.setFields(placed as Parameters<typeof form.setFields>[0]);
      setError(explained);
      setRest(others);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorAlert error={loadError} />;
  if (!matter) return <Spin tip="正在读取事项…"><div style={{ height: 200 }} /></Spin>;
  const personal = (kind ?? ApplicantKind.PERSON) === ApplicantKind.PERSON;
  const idCheck = personal ? checkIdNumber(idNumber) : { status: "empty" as const };
  return (
    <Card title={`收件：${matter.name}`}>
      <Descriptions size="small" column={4} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="事项编码">{matter.code}</Descriptions.Item>
        <Descriptions.Item label="实施部门">{matter.departmentName}</Descriptions.Item>
        <Descriptions.Item label="办件类型">
          {zh(HandlingTypeSchema, matter.handlingType)} · {zh(ServiceModeSchema, matter.serviceMode)}
        </Descriptions.Item>
        <Descriptions.Item label="承诺时限">{matter.promisedLimitDays} 个工作日</Descriptions.Item>
      </Descriptions>
      <ErrorAlert error={error} rest={rest} />
      <Form<Values>
        form={form}
        layout="horizontal"
        labelCol={{ flex: "100px" }}
        initialValues={{ applicant: { kind: ApplicantKind.PERSON, name: "", idNumber: "", phone: "", address: "" } }}
        onFinish={(values) => void submit(values)}
      >
        <Typography.Title level={5}>申请人</Typography.Title>
        <Form.Item label="申请人类型" name={["applicant", "kind"]}>
          <Radio.Group
            options={[
              { value: ApplicantKind.PERSON, label: "自然人" },
              { value: ApplicantKind.ENTERPRISE, label: "法人/企业" },
            ]}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label="姓名/名称" name={["applicant", "name"]} rules={[{ required: true, message: "请填写申请人姓名或名称" }]}>
              <Input autoFocus />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label={personal ? "身份证号" : "证件号码"}
              name={["applicant", "idNumber"]}
              rules={[
                { required: true, message: "请填写证件号码" },
                {
                  validator: (_rule, value: string) => {
                    const check = checkIdNumber(value ?? "");
                    return personal && check.status === "invalid" ? Promise.reject(new Error(check.message)) : Promise.resolve();
                  },
                },
              ]}
              extra={idCheck.status === "typing" ? idCheck.message : idCheck.status === "ok" ? "✓ 校验通过" : undefined}
            >
              <Input maxLength={18} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label="联系电话" name={["applicant", "phone"]} rules={[{ required: true, message: "请填写联系电话" }]}>
              <Input maxLength={20} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label="联系地址" name={["applicant", "address"]}>
          <Input style={{ width: 520 }} maxLength={200} />
        </Form.Item>

        <Typography.Title level={5}>申请材料（逐项核对原件、复印件和份数）</Typography.Title>
        <MaterialsChecklist materials={matter.materials} value={checklist} onChange={setChecklist} />

        <div style={{ margin: "16px 0" }}>
          <Space>
            <Switch checked={refusing} onChange={setRefusing} aria-label="不予受理" />
            <span>不予受理（不属于本机关职权范围或依法不需要许可）</span>
          </Space>
        </div>
        {refusing && (
          <>
            <Form.Item label="不予受理理由" name={["nonAcceptance", "reason"]} rules={[{ required: true, message: "请写明不予受理的理由" }]}>
              <Input.TextArea rows={2} style={{ width: 520 }} />
            </Form.Item>
            <Form.Item label="有权机关" name={["nonAcceptance", "competentAgency"]} rules={[{ required: true, message: "请告知申请人向哪个机关申请" }]}>
              <Input style={{ width: 520 }} />
            </Form.Item>
          </>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {refusing ? "出具不予受理通知书" : "提交（受理或一次性告知）"}
          </Button>
          <Button onClick={() => navigate("/clerk/catalogue")}>返回目录</Button>
        </Space>
      </Form>
    </Card>
  );
}
