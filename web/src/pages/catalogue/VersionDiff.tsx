// What changed between two versions of a matter, field by field, as the service words it.
import { Select, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { ErrorAlert } from "../../components/ErrorAlert";
import type { FieldChange, MatterVersion } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";

function changeKind(c: FieldChange): { text: string; colour: string } {
  if (!c.before) return { text: "新增", colour: "green" };
  if (!c.after) return { text: "删除", colour: "red" };
  return { text: "修改", colour: "blue" };
}

export function VersionDiff({ matterCode, versions }: { matterCode: string; versions: MatterVersion[] }) {
  // Newest first: by default the newest version against the one before it.
  const [to, setTo] = useState(versions[0]?.version ?? 0);
  const [from, setFrom] = useState(versions[1]?.version ?? 0);
  const [changes, setChanges] = useState<FieldChange[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    setTo(versions[0]?.version ?? 0);
    setFrom(versions[1]?.version ?? 0);
  }, [versions]);
  useEffect(() => {
    if (!from || !to || from === to) {
      setChanges([]);
      return;
    }
    let current = true;
    setLoading(true);
    setError(null);
    catalogAdmin
      .diffMatterVersions({ matterCode, fromVersion: from, toVersion: to })
      .then((answer) => current && setChanges(answer.changes))
      .catch((reason: unknown) => current && setError(explain(reason)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [matterCode, from, to]);
  if (versions.length < 2) return <Typography.Text type="secondary">只有一个版本，暂无可比较的版本。</Typography.Text>;
  const choices = versions.map((v) => ({ value: v.version, label: `第 ${v.version} 版` }));
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Select style={{ width: 120 }} value={from} onChange={setFrom} options={choices} aria-label="原版本" />
        <span>→</span>
        <Select style={{ width: 120 }} value={to} onChange={setTo} options={choices} aria-label="新版本" />
      </Space>
      <ErrorAlert error={error} />
      <Table<FieldChange>
        data-testid="diff"
        rowKey="path"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={changes}
        locale={{ emptyText: from === to ? "请选择两个不同的版本" : "两个版本内容相同" }}
        columns={[
          { title: "", width: 70, render: (_, c) => <Tag color={changeKind(c).colour}>{changeKind(c).text}</Tag> },
          { title: "字段", dataIndex: "label", width: 260 },
          { title: `第 ${from} 版`, render: (_, c) => c.before || "—" },
          { title: `第 ${to} 版`, render: (_, c) => c.after || "—" },
        ]}
      />
    </>
  );
}
