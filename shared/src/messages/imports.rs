//! imports

crate::catalogue! {
    const IMPORTS;
    csv_empty_file(header) = "文件是空的；第一行应为 {header}" / "the file is empty; the first line is {header}";
    csv_unreadable() = "不是 UTF-8 编码的有效 CSV" / "not valid CSV in UTF-8";
    csv_header(header) = "第一行应为 {header}" / "the first line is {header}";
    csv_column_count(found, expected) = "有 {found} 列，应为 {expected} 列" / "{found} columns, not {expected}";
    file_refused_some_shown(count, shown) = "文件未导入：发现 {count} 处问题（列出前 {shown} 处），未写入任何数据" / "the file was not imported: {count} problems (the first {shown} listed); nothing was written";
    emergency_contact_in_pairs() = "紧急联系人的姓名和电话须同时填写或同时不填" / "give both the emergency contact's name and phone, or neither";
    id_number_on_earlier_line() = "该身份证号码在前面的行已出现" / "this ID number is on an earlier line";
    registered_otherwise() = "已登记此人，但信息与本行不同" / "this person is registered with other details";
    expires_before_effective() = "有效期截止日期早于生效日期" / "the certificate expires before it takes effect";
    person_on_earlier_line() = "此人在前面的行已有证书" / "this person has a certificate on an earlier line";
    person_already_certified(number) = "此人已有有效的失能等级证书 {number}" / "this person already holds certificate {number}";
    imported_certificate(reference) = "存量证书导入（原证书号 {reference}）" / "certificate brought in from the former system ({reference})";
    uscc_on_earlier_line() = "该统一社会信用代码在前面的行已出现" / "this credit code is on an earlier line";
    agreement_number_taken() = "该协议编号已被另一机构使用" / "this agreement number belongs to another institution";
    imported_from(reference) = "存量数据导入（原编号 {reference}）" / "brought in from the former system ({reference})";
    mode_not_designated() = "机构未获批该护理方式" / "the institution is not designated for this care mode";
    not_certified_since_start() = "此人在服务关系起始日期或今天没有有效的失能等级证书" / "the person has no certificate valid on the start day or today";
    relation_recorded_otherwise() = "该机构与此人已有该护理方式的服务关系，起始日期不同" / "this institution serves the person in this mode from another day";
    assignment_on_earlier_line() = "该护理人员与服务对象的分派在前面的行已出现" / "this caregiver and beneficiary are on an earlier line";
    person_not_insured_now() = "此人当前不在正常参保状态（暂停参保或已去世）" / "the person is not insured now (suspended or deceased)";
    no_agreement_in_force_for_mode() = "机构今天没有涵盖该护理方式的有效协议" / "the institution has no agreement in force today covering this care mode";
}
