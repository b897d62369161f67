// The draft of a matter: everything SaveMatterDraft takes, the materials (form, copies, when a
// conditional one applies), the limits, the review steps and fees. The service checks the draft
// whole and names every problem at once; each sentence lands beside its field.
import { Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Typography } from "antd";
import { type ReactNode, useState } from "react";
import { catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { options } from "../../api/labels";
import { ErrorAlert } from "../../components/ErrorAlert";
import type { MatterVersion } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import {
  DecidingLevelSchema,
  HandlingTypeSchema,
  MaterialFormSchema,
  MaterialRequirement,
  MaterialRequirementSchema,
  MatterKindSchema,
  ServiceModeSchema,
  SiteLevelSchema,
  SpecialProcedureSchema,
  StepKindSchema,
} from "../../gen/tongban/acceptance/v1/catalog_pb";
import { RoleSchema } from "../../gen/tongban/access/v1/access_pb";
import { useAttempt } from "../../lib/attempt";
import { blankMaterial, blankStep, type DraftValues, type MatterValues, placeDraftErrors, toMatter } from "../../lib/draft";

const CODE_PATTERN = /^[0-9]{6}-[A-Z]{2,6}-[A-Z]{2}-[0-9]{3}$/;

export function DraftEditor(props: {
  initial: MatterValues;
  /** A new matter names its code; an existing one keeps it (and its department). */
  isNew: boolean;
  onSaved: (version: MatterVersion) => void;
  onCancel?: () => void;
}) {
  const [form] = Form.useForm<DraftValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const [rest, setRest] = useState<string[]>([]);
  const [attempt, settle] = useAttempt();
  const requirements = Form.useWatch(["matter", "materials"], form) ?? [];

  const submit = async (values: DraftValues) => {
    setBusy(true);
    setError(null);
    setRest([]);
    try {
      const answer = await catalogAdmin.saveMatterDraft({ requestId: attempt, matter: toMatter(values.matter), note: values.note.trim() });
      if (answer.version) props.onSaved(answer.version);
    } catch (reason) {
      const explained = explain(reason);
      settle(explained);
      const placed = placeDraftErrors(explained.fields, values.matter);
      form.setFields(placed.placed as Parameters<typeof form.setFields>[0]);
      setError(explained);
      setRest(placed.rest);
    } finally {
      setBusy(false);
    }
  };

  const enumSelect = (schema: Parameters<typeof options>[0], label: string, multiple = false) => (
    <Select options={options(schema)} mode={multiple ? "multiple" : undefined} aria-label={label} allowClear={multiple} />
  );

  return (
    <Form<DraftValues>
      form={form}
      layout="vertical"
      initialValues={{ matter: props.initial, note: "" }}
      onFinish={(values) => void submit(values)}
      requiredMark={false}
    >
      <Card size="small" title="基本信息" style={{ marginBottom: 12 }}>
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item
              name={["matter", "code"]}
              label="事项编码"
              rules={[{ pattern: CODE_PATTERN, message: "事项编码如 320826-MZ-GG-002" }, { required: true, message: "请填写事项编码" }]}
            >
              <Input disabled={!props.isNew} placeholder="320826-MZ-GG-002" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name={["matter", "name"]} label="事项名称" rules={[{ required: true, message: "请填写事项名称" }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name={["matter", "departmentCode"]} label="部门编码">
              <Input disabled={!props.isNew} maxLength={6} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name={["matter", "kind"]} label="事项类型">
              {enumSelect(MatterKindSchema, "事项类型")}
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={4}>
            <Form.Item name={["matter", "handlingType"]} label="办件类型">
              {enumSelect(HandlingTypeSchema, "办件类型")}
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name={["matter", "legalLimitDays"]} label="法定时限（工作日）">
              <InputNumber min={0} max={365} style={{ width: "100%" }} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name={["matter", "promisedLimitDays"]} label="承诺时限（工作日）">
              <InputNumber min={0} max={365} style={{ width: "100%" }} />
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name={["matter", "decidingLevel"]} label="审批层级">
              {enumSelect(DecidingLevelSchema, "审批层级")}
            </Form.Item>
          </Col>
          <Col span={4}>
            <Form.Item name={["matter", "serviceMode"]} label="服务模式">
              {enumSelect(ServiceModeSchema, "服务模式")}
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name={["matter", "acceptingLevels"]} label="受理层级">
              {enumSelect(SiteLevelSchema, "受理层级", true)}
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name={["matter", "specialProcedures"]} label="特殊环节">
              {enumSelect(SpecialProcedureSchema, "特殊环节", true)}
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name={["matter", "legalBasis"]} label="设定依据">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Card>

      <Card size="small" title="申请材料" style={{ marginBottom: 12 }}>
        <Form.List name={["matter", "materials"]}>
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((field, i) => {
                const n = i + 1;
                const conditional = requirements[i]?.requirement === MaterialRequirement.CONDITIONAL;
                return (
                  <Row gutter={8} key={field.key} align="top" data-testid="material-row">
                    <Col flex="80px">
                      <Form.Item name={[field.name, "code"]} label={i === 0 ? "编码" : undefined}>
                        <Input aria-label={`材料 ${n} 编码`} maxLength={8} />
                      </Form.Item>
                    </Col>
                    <Col flex="auto">
                      <Form.Item name={[field.name, "name"]} label={i === 0 ? "材料名称" : undefined}>
                        <Input aria-label={`材料 ${n} 名称`} maxLength={100} />
                      </Form.Item>
                    </Col>
                    <Col flex="130px">
                      <Form.Item name={[field.name, "requirement"]} label={i === 0 ? "要求" : undefined}>
                        <Select options={options(MaterialRequirementSchema)} aria-label={`材料 ${n} 要求`} />
                      </Form.Item>
                    </Col>
                    <Col flex="180px">
                      <Form.Item name={[field.name, "condition"]} label={i === 0 ? "提交情形" : undefined}>
                        <Input aria-label={`材料 ${n} 提交情形`} disabled={!conditional} placeholder={conditional ? "如 以残疾为由申请的" : "—"} />
                      </Form.Item>
                    </Col>
                    <Col flex="130px">
                      <Form.Item name={[field.name, "form"]} label={i === 0 ? "材料形式" : undefined}>
                        <Select options={options(MaterialFormSchema)} aria-label={`材料 ${n} 形式`} />
                      </Form.Item>
                    </Col>
                    <Col flex="80px">
                      <Form.Item name={[field.name, "copies"]} label={i === 0 ? "份数" : undefined}>
                        <InputNumber aria-label={`材料 ${n} 份数`} min={0} max={100} style={{ width: "100%" }} />
                      </Form.Item>
                    </Col>
                    <Col flex="60px">
                      <Form.Item label={i === 0 ? " " : undefined}>
                        <Button type="link" danger onClick={() => remove(field.name)} aria-label={`删除材料 ${n}`}>
                          删除
                        </Button>
                      </Form.Item>
                    </Col>
                  </Row>
                );
              })}
              <ListErrors errors={errors} />
              <Button
                onClick={() => {
                  const taken = (form.getFieldValue(["matter", "materials"]) as MatterValues["materials"] | undefined)?.map((m) => m.code) ?? [];
                  add(blankMaterial(taken));
                }}
              >
                添加材料
              </Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title="审查环节（县级审批的承诺件，按顺序，以决定环节结束）" style={{ marginBottom: 12 }}>
        <Form.List name={["matter", "reviewSteps"]}>
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((field, i) => {
                const n = i + 1;
                return (
                  <Row gutter={8} key={field.key} align="top" data-testid="step-row">
                    <Col flex="30px" style={{ paddingTop: i === 0 ? 34 : 5 }}>
                      {n}
                    </Col>
                    <Col flex="auto">
                      <Form.Item name={[field.name, "name"]} label={i === 0 ? "环节名称" : undefined}>
                        <Input aria-label={`环节 ${n} 名称`} maxLength={40} />
                      </Form.Item>
                    </Col>
                    <Col flex="120px">
                      <Form.Item name={[field.name, "kind"]} label={i === 0 ? "环节类型" : undefined}>
                        <Select options={options(StepKindSchema)} aria-label={`环节 ${n} 类型`} />
                      </Form.Item>
                    </Col>
                    <Col flex="140px">
                      <Form.Item name={[field.name, "role"]} label={i === 0 ? "办理角色" : undefined}>
                        <Select options={options(RoleSchema)} aria-label={`环节 ${n} 办理角色`} />
                      </Form.Item>
                    </Col>
                    <Col flex="110px">
                      <Form.Item name={[field.name, "timeLimitDays"]} label={i === 0 ? "时限(工作日)" : undefined}>
                        <InputNumber aria-label={`环节 ${n} 时限`} min={0} max={365} style={{ width: "100%" }} />
                      </Form.Item>
                    </Col>
                    <Col flex="180px">
                      <Form.Item name={[field.name, "departmentCodes"]} label={i === 0 ? "部门（并联时多个）" : undefined}>
                        <Select mode="tags" aria-label={`环节 ${n} 部门`} tokenSeparators={[",", " "]} />
                      </Form.Item>
                    </Col>
                    <Col flex="90px">
                      <Form.Item name={[field.name, "leadDepartmentCode"]} label={i === 0 ? "牵头部门" : undefined}>
                        <Input aria-label={`环节 ${n} 牵头部门`} maxLength={6} />
                      </Form.Item>
                    </Col>
                    <Col flex="60px">
                      <Form.Item label={i === 0 ? " " : undefined}>
                        <Button type="link" danger onClick={() => remove(field.name)} aria-label={`删除环节 ${n}`}>
                          删除
                        </Button>
                      </Form.Item>
                    </Col>
                  </Row>
                );
              })}
              <ListErrors errors={errors} />
              <Button onClick={() => add(blankStep())}>添加环节</Button>
            </>
          )}
        </Form.List>
      </Card>

      <Card size="small" title="收费" style={{ marginBottom: 12 }}>
        <Form.List name={["matter", "fees"]}>
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.length === 0 && <Typography.Text type="secondary">不收费</Typography.Text>}
              {fields.map((field, i) => {
                const n = i + 1;
                return (
                  <Row gutter={8} key={field.key} align="top">
                    <Col flex="240px">
                      <Form.Item name={[field.name, "name"]} label={i === 0 ? "收费项目" : undefined}>
                        <Input aria-label={`收费 ${n} 项目`} maxLength={100} />
                      </Form.Item>
                    </Col>
                    <Col flex="120px">
                      <Form.Item name={[field.name, "amountYuan"]} label={i === 0 ? "金额（元）" : undefined}>
                        <InputNumber aria-label={`收费 ${n} 金额`} min={0} step={0.01} precision={2} style={{ width: "100%" }} />
                      </Form.Item>
                    </Col>
                    <Col flex="auto">
                      <Form.Item name={[field.name, "basis"]} label={i === 0 ? "收费依据" : undefined}>
                        <Input aria-label={`收费 ${n} 依据`} maxLength={500} />
                      </Form.Item>
                    </Col>
                    <Col flex="60px">
                      <Form.Item label={i === 0 ? " " : undefined}>
                        <Button type="link" danger onClick={() => remove(field.name)} aria-label={`删除收费 ${n}`}>
                          删除
                        </Button>
                      </Form.Item>
                    </Col>
                  </Row>
                );
              })}
              <ListErrors errors={errors} />
              <div style={{ marginTop: 8 }}>
                <Button onClick={() => add({ name: "", amountYuan: 0, basis: "" })}>添加收费</Button>
              </div>
            </>
          )}
        </Form.List>
      </Card>

      <Form.Item name="note" label="修订说明" rules={[{ required: true, message: "请写明为何修订，如 承诺时限缩短为18个工作日" }]}>
        <Input.TextArea rows={2} maxLength={500} placeholder="如 承诺时限缩短为18个工作日" />
      </Form.Item>
      <ErrorAlert error={error} rest={rest} />
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          保存草稿
        </Button>
        {props.onCancel && <Button onClick={props.onCancel}>返回</Button>}
      </Space>
    </Form>
  );
}

/** A sentence about a whole list (the steps' limits together), in the error colour under it. */
function ListErrors({ errors }: { errors: ReactNode[] }) {
  if (!errors.length) return null;
  return (
    <div role="alert" style={{ margin: "4px 0 8px" }}>
      {errors.map((e, i) => (
        <Typography.Text key={i} type="danger" style={{ display: "block" }}>
          {e}
        </Typography.Text>
      ))}
    </div>
  );
}
