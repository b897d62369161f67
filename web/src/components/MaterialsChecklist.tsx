// The matter's materials as a checklist: which were handed in, in what form and how many copies,
// any defect seen, and whether a conditional material applies to this applicant. The service
// decides from this whether the case is accepted or gets a one-time notice.
import { Checkbox, Input, InputNumber, Select, Table, Tag } from "antd";
import { options, zh } from "../api/labels";
import {
  type Material,
  MaterialFormSchema,
  MaterialRequirement,
  MaterialRequirementSchema,
} from "../gen/tongban/acceptance/v1/catalog_pb";

export interface Handed {
  received: boolean;
  form: number;
  copies: number;
  defect: string;
  applies: boolean;
}

export type Checklist = Record<string, Handed>;

export function emptyChecklist(materials: Material[], received: (m: Material) => boolean = () => false): Checklist {
  return Object.fromEntries(
    materials.map((m) => [m.code, { received: received(m), form: m.form, copies: m.copies, defect: "", applies: false }]),
  );
}

export function MaterialsChecklist(props: {
  materials: Material[];
  value: Checklist;
  onChange: (next: Checklist) => void;
  outstanding?: Set<string>;
}) {
  const { materials, value, onChange, outstanding } = props;
  const set = (code: string, patch: Partial<Handed>) => onChange({ ...value, [code]: { ...value[code], ...patch } });
  const formOptions = options(MaterialFormSchema);
  return (
    <Table<Material>
      rowKey="code"
      size="small"
      pagination={false}
      dataSource={materials}
      rowClassName={(m) => (outstanding?.has(m.code) ? "outstanding-row" : "")}
      columns={[
        {
          title: "收到",
          width: 60,
          render: (_, m) => (
            <Checkbox
              checked={value[m.code]?.received}
              onChange={(e) => set(m.code, { received: e.target.checked })}
              aria-label={`收到 ${m.code} ${m.name}`}
            />
          ),
        },
        { title: "编码", dataIndex: "code", width: 60 },
        {
          title: "材料名称",
          render: (_, m) => (
            <span>
              {m.name}{" "}
              {m.requirement === MaterialRequirement.CONDITIONAL ? (
                <Tag color="gold">视情形：{m.condition}</Tag>
              ) : (
                <Tag>{zh(MaterialRequirementSchema, m.requirement)}</Tag>
              )}
              {outstanding?.has(m.code) && <Tag color="red">待补正</Tag>}
            </span>
          ),
        },
        {
          title: "要求",
          width: 150,
          render: (_, m) => `${zh(MaterialFormSchema, m.form)} ${m.copies} 份`,
        },
        {
          title: "收到形式",
          width: 140,
          render: (_, m) => (
            <Select
              size="small"
              style={{ width: 130 }}
              value={value[m.code]?.form}
              options={formOptions}
              disabled={!value[m.code]?.received}
              onChange={(form: number) => set(m.code, { form })}
              aria-label={`${m.code} 收到形式`}
            />
          ),
        },
        {
          title: "份数",
          width: 80,
          render: (_, m) => (
            <InputNumber
              size="small"
              min={1}
              max={99}
              style={{ width: 64 }}
              value={value[m.code]?.copies}
              disabled={!value[m.code]?.received}
              onChange={(copies) => set(m.code, { copies: copies ?? 1 })}
              aria-label={`${m.code} 份数`}
            />
          ),
        },
        {
          title: "缺陷说明",
          width: 180,
          render: (_, m) => (
            <Input
              size="small"
              placeholder="如 复印件不清晰"
              value={value[m.code]?.defect}
              disabled={!value[m.code]?.received}
              onChange={(e) => set(m.code, { defect: e.target.value })}
              aria-label={`${m.code} 缺陷说明`}
            />
          ),
        },
        {
          title: "适用",
          width: 60,
          render: (_, m) =>
            m.requirement === MaterialRequirement.CONDITIONAL ? (
              <Checkbox
                checked={value[m.code]?.applies}
                onChange={(e) => set(m.code, { applies: e.target.checked })}
                aria-label={`${m.code} 适用于本申请人`}
              />
            ) : null,
        },
      ]}
    />
  );
}

/** The checklist as the request's repeated fields. */
export function provided(checklist: Checklist) {
  const entries = Object.entries(checklist);
  return {
    materials: entries
      .filter(([, h]) => h.received)
      .map(([code, h]) => ({ materialCode: code, form: h.form, copies: h.copies, defect: h.defect.trim() })),
    conditionsApply: entries.filter(([, h]) => h.applies).map(([code]) => code),
  };
}
