// One matter's history: every version, what the newest draft changes, publishing it (the
// centre administrator, never the drafter: the service refuses, and says so), and the versions
// themselves.
import { Alert, Button, Card, Descriptions, Drawer, Form, Input, Spin, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import { catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { zh } from "../../api/labels";
import { hasRole, useAuth } from "../../auth";
import { ActionForm } from "../../components/ActionForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type MatterVersion, VersionState, VersionStateSchema } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import { CatalogueNav } from "./CatalogueNav";
import { MatterView } from "./MatterView";
import { VersionDiff } from "./VersionDiff";

/** Whether this user may draft the matter: the administrator any, an officer their department's. */
export function mayDraft(user: ReturnType<typeof useAuth>["user"], departmentCode: string): boolean {
  if (hasRole(user, "centre_admin")) return true;
  return hasRole(user, "catalogue_officer") && !!user?.departmentCode && user.departmentCode === departmentCode;
}

export function Versions() {
  const { code = "" } = useParams();
  const { user } = useAuth();
  const location = useLocation();
  const saved = (location.state as { saved?: number } | null)?.saved;
  const [versions, setVersions] = useState<MatterVersion[] | null>(null);
  const [error, setError] = useState<Explained | null>(null);
  const [open, setOpen] = useState<MatterVersion | null>(null);
  const load = useCallback(() => {
    catalogAdmin
      .listMatterVersions({ matterCode: code })
      .then((answer) => setVersions(answer.versions))
      .catch((reason: unknown) => setError(explain(reason)));
  }, [code]);
  useEffect(load, [load]);

  if (error) return <ErrorAlert error={error} />;
  if (!versions) return <Spin tip="正在读取版本…"><div style={{ height: 200 }} /></Spin>;
  const newest = versions[0];
  const draft = newest?.state === VersionState.DRAFT ? newest : undefined;
  const matter = newest?.matter;
  const department = matter?.departmentCode ?? "";
  return (
    <Card
      title={`${matter?.name ?? code}（${code}）`}
      extra={
        mayDraft(user, department) && (
          <Link to={`/catalogue/matters/${code}/draft`}>
            <Button type="primary">{draft ? `编辑草稿（第 ${draft.version} 版）` : "起草新版本"}</Button>
          </Link>
        )
      }
    >
      <CatalogueNav />
      {/* Said while the saved draft is still the open one, not after it was published. */}
      {saved !== undefined && draft?.version === saved && (
        <Alert type="success" showIcon style={{ marginBottom: 12 }} title={`已保存草稿：第 ${saved} 版。须由中心管理员（起草人以外）发布。`} />
      )}
      <Table<MatterVersion>
        data-testid="versions"
        rowKey="version"
        size="small"
        pagination={false}
        dataSource={versions}
        columns={[
          { title: "版本", width: 70, render: (_, v) => `第 ${v.version} 版` },
          {
            title: "状态",
            width: 80,
            render: (_, v) => <Tag color={v.state === VersionState.DRAFT ? "orange" : "green"}>{zh(VersionStateSchema, v.state)}</Tag>,
          },
          { title: "起草", width: 190, render: (_, v) => `${v.draftedBy} ${v.draftedOn}` },
          { title: "发布", width: 190, render: (_, v) => (v.publishedBy ? `${v.publishedBy} ${v.publishedOn}` : "—") },
          { title: "施行日期", width: 110, render: (_, v) => v.effectiveOn || "—" },
          { title: "修订说明", dataIndex: "note" },
          {
            title: "",
            width: 70,
            render: (_, v) => (
              <Button type="link" size="small" onClick={() => setOpen(v)} aria-label={`查看第 ${v.version} 版`}>
                查看
              </Button>
            ),
          },
        ]}
      />
      {draft && <PublishPanel draft={draft} onDone={load} />}
      <Typography.Title level={5} style={{ marginTop: 16 }}>版本比较</Typography.Title>
      <VersionDiff matterCode={code} versions={versions} />
      <Drawer
        open={!!open}
        onClose={() => setOpen(null)}
        size="large"
        title={open ? `第 ${open.version} 版（${zh(VersionStateSchema, open.state)}）` : ""}
      >
        {open?.matter && <MatterView matter={open.matter} />}
      </Drawer>
    </Card>
  );
}

function PublishPanel({ draft, onDone }: { draft: MatterVersion; onDone: () => void }) {
  const { user } = useAuth();
  const own = draft.draftedBy === user?.userId;
  return (
    <Card size="small" title={`发布第 ${draft.version} 版`} style={{ marginTop: 16 }}>
      <Descriptions size="small" column={3} style={{ marginBottom: 8 }}>
        <Descriptions.Item label="起草人">{draft.draftedBy}</Descriptions.Item>
        <Descriptions.Item label="起草日期">{draft.draftedOn}</Descriptions.Item>
        <Descriptions.Item label="修订说明">{draft.note || "—"}</Descriptions.Item>
      </Descriptions>
      {hasRole(user, "centre_admin") ? (
        <ActionForm<{ effectiveOn: string }>
          name="publish"
          fields={["effectiveOn"]}
          submitText="发布"
          run={(v, requestId) => catalogAdmin.publishMatterVersion({ requestId, matterCode: draft.matterCode, version: draft.version, effectiveOn: v.effectiveOn.trim() })}
          onDone={onDone}
        >
          {() => (
            <>
              {own && <Typography.Paragraph type="warning">此草稿由您起草：按双人复核，须由另一位中心管理员发布。</Typography.Paragraph>}
              <Form.Item
                name="effectiveOn"
                label="施行日期"
                rules={[{ required: true, message: "请填写施行日期，如 2026-12-01" }]}
                extra="此前受理的办件仍按原版本办理"
              >
                <Input placeholder="YYYY-MM-DD" style={{ width: 200 }} maxLength={10} />
              </Form.Item>
            </>
          )}
        </ActionForm>
      ) : (
        <Alert type="info" showIcon title="草稿须由中心管理员（起草人以外）审核发布。" />
      )}
    </Card>
  );
}
