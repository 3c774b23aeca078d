//! imports

crate::catalogue! {
    const IMPORTS;
    csv_empty_file(header) = "文件是空的；第一行应为 {header}" / "the file is empty; the first line is {header}";
    csv_unreadable() = "不是 UTF-8 编码的有效 CSV" / "not valid CSV in UTF-8";
    csv_header(header) = "第一行应为 {header}" / "the first line is {header}";
    csv_column_count(found, expected) = "有 {found} 列，应为 {expected} 列" / "{found} columns, not {expected}";
}
