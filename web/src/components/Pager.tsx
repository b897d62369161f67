import { Button, Space, Typography } from "antd";
import type { Paged } from "../lib/paging";

export function Pager<T>({ paged, unit = "件" }: { paged: Paged<T>; unit?: string }) {
  return (
    <Space style={{ marginTop: 12, justifyContent: "flex-end", width: "100%" }}>
      <Typography.Text type="secondary">
        第 {paged.page + 1} 页{paged.total !== undefined ? `，共 ${paged.total} ${unit}` : ""}
      </Typography.Text>
      <Button size="small" disabled={paged.page === 0 || paged.loading} onClick={paged.previous}>
        上一页
      </Button>
      <Button size="small" disabled={!paged.hasNext || paged.loading} onClick={paged.next}>
        下一页
      </Button>
    </Space>
  );
}
