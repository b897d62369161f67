// The catalogue as the clerk's site may accept it: search by keyword, then start an intake.
import { Button, Card, Input, Space, Table, Tag } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";
import { catalog } from "../../api/clients";
import { zh } from "../../api/labels";
import { useAuth } from "../../auth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Pager } from "../../components/Pager";
import { HandlingTypeSchema, type Matter, ServiceModeSchema } from "../../gen/tongban/acceptance/v1/catalog_pb";
import { usePaged } from "../../lib/paging";

export function Catalogue() {
  const { user } = useAuth();
  const [keyword, setKeyword] = useState("");
  const paged = usePaged<Matter>(
    async (pageToken) => {
      const answer = await catalog.listMatters({ keyword, siteCode: user?.siteCode ?? "", pageSize: 15, pageToken });
      return { items: answer.matters, nextPageToken: answer.nextPageToken, totalSize: answer.totalSize };
    },
    keyword,
  );
  return (
    <Card title="事项目录（本站可受理）">
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder="事项名称关键字，如 户口"
          allowClear
          enterButton="搜索"
          style={{ width: 360 }}
          onSearch={(value) => setKeyword(value.trim())}
          aria-label="事项关键字"
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
          { title: "实施部门", dataIndex: "departmentName", width: 160 },
          {
            title: "办件类型",
            width: 200,
            render: (_, m) => (
              <Space size={4}>
                <Tag>{zh(HandlingTypeSchema, m.handlingType)}</Tag>
                <Tag color="blue">{zh(ServiceModeSchema, m.serviceMode)}</Tag>
              </Space>
            ),
          },
          { title: "承诺时限", width: 110, render: (_, m) => `${m.promisedLimitDays} 个工作日` },
          {
            title: "",
            width: 90,
            render: (_, m) => (
              <Link to={`/clerk/intake/${m.code}`}>
                <Button type="primary" size="small">
                  收件
                </Button>
              </Link>
            ),
          },
        ]}
      />
      <Pager paged={paged} unit="项" />
    </Card>
  );
}
