// The catalogue officer's matters: search the catalogue (their own department first), open a
// matter's versions, or start a new matter's first draft.
import { Button, Card, Input, Select, Space, Table, Tag } from "antd";
import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import { catalog } from "../../api/clients";
import { zh } from "../../api/labels";
import { useAuth } from "../../auth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Pager } from "../../components/Pager";
import { type Department, HandlingTypeSchema, type Matter } from "../../gen/tongban/acceptance/v1/catalog_pb";
import { usePaged } from "../../lib/paging";
import { CatalogueNav } from "./CatalogueNav";

export function Matters() {
  const { user } = useAuth();
  const [keyword, setKeyword] = useState("");
  const [department, setDepartment] = useState(user?.departmentCode ?? "");
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => {
    catalog
      .listDepartments({})
      .then((answer) => setDepartments(answer.departments))
      .catch(() => setDepartments([])); // the filter then offers "all" only; the list says why if the service is down
  }, []);
  const paged = usePaged<Matter>(
    async (pageToken) => {
      const answer = await catalog.listMatters({ keyword, departmentCode: department, pageSize: 15, pageToken });
      return { items: answer.matters, nextPageToken: answer.nextPageToken, totalSize: answer.totalSize };
    },
    `${keyword}|${department}`,
  );
  return (
    <Card title="事项目录管理" extra={<Link to="/catalogue/new"><Button>新建事项</Button></Link>}>
      <CatalogueNav />
      <Space style={{ marginBottom: 12 }} wrap>
        <Input.Search
          placeholder="事项名称关键字"
          allowClear
          enterButton="搜索"
          style={{ width: 320 }}
          onSearch={(value) => setKeyword(value.trim())}
          aria-label="事项关键字"
        />
        <Select
          style={{ width: 220 }}
          value={department}
          onChange={setDepartment}
          aria-label="实施部门"
          options={[{ value: "", label: "全部部门" }, ...departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))]}
        />
      </Space>
      <ErrorAlert error={paged.error} />
      <Table<Matter>
        rowKey="code"
        size="small"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={false}
        columns={[
          { title: "事项编码", dataIndex: "code", width: 170 },
          { title: "事项名称", dataIndex: "name" },
          { title: "实施部门", dataIndex: "departmentName", width: 170 },
          { title: "办件类型", width: 90, render: (_, m) => <Tag>{zh(HandlingTypeSchema, m.handlingType)}</Tag> },
          { title: "承诺时限", width: 110, render: (_, m) => `${m.promisedLimitDays} 个工作日` },
          { title: "现行版本", width: 90, render: (_, m) => `第 ${m.version} 版` },
          {
            title: "",
            width: 110,
            render: (_, m) => <Link to={`/catalogue/matters/${m.code}`}>版本与草稿</Link>,
          },
        ]}
      />
      <Pager paged={paged} unit="项" />
    </Card>
  );
}
