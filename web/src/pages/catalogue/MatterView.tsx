// One version of a matter as published or drafted: the definition, its materials, steps and fees.
import { Descriptions, Table, Tag, Typography } from "antd";
import { zh } from "../../api/labels";
import {
  DecidingLevelSchema,
  type Fee,
  HandlingTypeSchema,
  type Material,
  MaterialFormSchema,
  MaterialRequirement,
  MaterialRequirementSchema,
  type Matter,
  MatterKindSchema,
  type ReviewStep,
  ServiceModeSchema,
  SiteLevelSchema,
  SpecialProcedureSchema,
  StepKindSchema,
} from "../../gen/tongban/acceptance/v1/catalog_pb";
import { RoleSchema } from "../../gen/tongban/access/v1/access_pb";

export function MatterView({ matter }: { matter: Matter }) {
  return (
    <>
      <Descriptions size="small" column={3} bordered>
        <Descriptions.Item label="事项名称" span={2}>{matter.name}</Descriptions.Item>
        <Descriptions.Item label="实施部门">{matter.departmentName}（{matter.departmentCode}）</Descriptions.Item>
        <Descriptions.Item label="事项类型">{zh(MatterKindSchema, matter.kind)}</Descriptions.Item>
        <Descriptions.Item label="办件类型">{zh(HandlingTypeSchema, matter.handlingType)}</Descriptions.Item>
        <Descriptions.Item label="服务模式">{zh(ServiceModeSchema, matter.serviceMode)}</Descriptions.Item>
        <Descriptions.Item label="法定时限">{matter.legalLimitDays} 个工作日</Descriptions.Item>
        <Descriptions.Item label="承诺时限">{matter.promisedLimitDays} 个工作日</Descriptions.Item>
        <Descriptions.Item label="审批层级">{zh(DecidingLevelSchema, matter.decidingLevel)}</Descriptions.Item>
        <Descriptions.Item label="受理层级" span={2}>
          {matter.acceptingLevels.map((l) => <Tag key={l}>{zh(SiteLevelSchema, l)}</Tag>)}
        </Descriptions.Item>
        <Descriptions.Item label="特殊环节">
          {matter.specialProcedures.length ? matter.specialProcedures.map((p) => <Tag key={p}>{zh(SpecialProcedureSchema, p)}</Tag>) : "无"}
        </Descriptions.Item>
        <Descriptions.Item label="设定依据" span={3}>{matter.legalBasis || "—"}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 12 }}>申请材料</Typography.Title>
      <Table<Material>
        rowKey="code"
        size="small"
        pagination={false}
        dataSource={matter.materials}
        columns={[
          { title: "编码", dataIndex: "code", width: 60 },
          { title: "材料名称", dataIndex: "name" },
          {
            title: "要求",
            width: 220,
            render: (_, m) => (m.requirement === MaterialRequirement.CONDITIONAL ? `视情形：${m.condition}` : zh(MaterialRequirementSchema, m.requirement)),
          },
          { title: "形式与份数", width: 150, render: (_, m) => `${zh(MaterialFormSchema, m.form)} ${m.copies} 份` },
        ]}
      />
      {matter.reviewSteps.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>审查环节</Typography.Title>
          <Table<ReviewStep>
            rowKey={(_, i) => String(i)}
            size="small"
            pagination={false}
            dataSource={matter.reviewSteps}
            columns={[
              { title: "#", width: 40, render: (_, _s, i) => i + 1 },
              { title: "环节", render: (_, s) => `${s.name}（${zh(StepKindSchema, s.kind)}）` },
              { title: "办理角色", width: 130, render: (_, s) => zh(RoleSchema, s.role) },
              { title: "部门", width: 140, render: (_, s) => s.departmentCodes.join("、") + (s.leadDepartmentCode ? `（牵头 ${s.leadDepartmentCode}）` : "") },
              { title: "时限", width: 110, render: (_, s) => `${s.timeLimitDays} 个工作日` },
            ]}
          />
        </>
      )}
      {matter.fees.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>收费</Typography.Title>
          <Table<Fee>
            rowKey="name"
            size="small"
            pagination={false}
            dataSource={matter.fees}
            columns={[
              { title: "收费项目", dataIndex: "name" },
              { title: "金额", width: 120, render: (_, f) => `${(Number(f.amountFen) / 100).toFixed(2)} 元` },
              { title: "依据", dataIndex: "basis" },
            ]}
          />
        </>
      )}
    </>
  );
}
