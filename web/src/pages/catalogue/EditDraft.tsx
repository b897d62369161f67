// The draft editor's page: the open draft if there is one, else the newest version to start the
// next from; a new matter starts blank in the officer's own department.
import { Card, Spin } from "antd";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { catalogAdmin } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { useAuth } from "../../auth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { type MatterVersion, VersionState } from "../../gen/tongban/acceptance/v1/catalog_admin_pb";
import { type MatterValues, toValues } from "../../lib/draft";
import { CatalogueNav } from "./CatalogueNav";
import { DraftEditor } from "./DraftEditor";

export function EditDraft() {
  const { code } = useParams();
  const { user } = useAuth();
  const navigate = useNavigate();
  const [base, setBase] = useState<MatterVersion | null>(null);
  const [initial, setInitial] = useState<MatterValues | null>(code ? null : toValues(undefined, user?.departmentCode ?? ""));
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    if (!code) return;
    catalogAdmin
      .listMatterVersions({ matterCode: code })
      .then((answer) => {
        const newest = answer.versions[0];
        setBase(newest ?? null);
        setInitial(toValues(newest?.matter));
      })
      .catch((reason: unknown) => setError(explain(reason)));
  }, [code]);

  if (error) return <ErrorAlert error={error} />;
  if (!initial) return <Spin tip="正在读取事项…"><div style={{ height: 200 }} /></Spin>;
  const title = !code
    ? "新建事项"
    : base?.state === VersionState.DRAFT
      ? `编辑草稿：${initial.name}（第 ${base.version} 版）`
      : `起草新版本：${initial.name}（以第 ${base?.version ?? 0} 版为底稿）`;
  return (
    <Card title={title}>
      <CatalogueNav />
      <DraftEditor
        initial={initial}
        isNew={!code}
        onSaved={(version) => navigate(`/catalogue/matters/${version.matterCode}`, { state: { saved: version.version } })}
        onCancel={() => navigate(code ? `/catalogue/matters/${code}` : "/catalogue")}
      />
    </Card>
  );
}
