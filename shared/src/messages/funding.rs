//! funding

crate::catalogue! {
    const FUNDING;
    col_source() = "来源" / "source";
    col_scheme() = "险种" / "scheme";
    col_account() = "科目" / "account";
    col_amount() = "金额" / "amount";
    col_code() = "科目代码" / "code";
    col_name() = "科目名称" / "name";
    col_kind() = "类别" / "kind";
    col_debits() = "借方" / "debits";
    col_credits() = "贷方" / "credits";
    col_balance() = "余额" / "balance";
    row_total() = "合计" / "total";
    income_period_after_date() = "收入统计期的起始日期晚于截止日期" / "the income period starts after the date";
    reference_posted_otherwise() = "此业务编号已以不同内容入账" / "this reference was already posted with other content";
    already_reversed() = "此凭证已被冲销" / "this entry has already been reversed";
    health_months_ascending() = "须满足 critical_months < warning_months < surplus_months ≤ 600" / "need critical_months < warning_months < surplus_months ≤ 600";
    reversal_not_reversed() = "冲销凭证不能再冲销；请重新录入原业务" / "a reversal is not reversed; post the original again instead";
    reference_used_for_draw() = "此业务编号已用于另一笔调剂金动用" / "this reference was already used for another draw";
    draw_already_decided() = "此笔动用已审批" / "this draw is already decided";
    draw_four_eyes() = "调剂金动用须由申请人以外的另一名经办人审批" / "a draw is decided by another officer than the one who requested it";
    draw_decided_meanwhile() = "此笔动用已被他人审批" / "the draw was decided by someone else meanwhile";
    reserve_holds(amount) = "调剂金余额为 {amount} 元" / "the reserve holds {amount}";
    reserve_drawn_meanwhile() = "另一笔动用已获批准，调剂金余额已不足" / "another draw was approved meanwhile; the reserve no longer holds this amount";
    reference_on_earlier_line() = "此业务编号在前面的行已出现" / "this reference is on an earlier line";
    scheme_values() = "employee（职工）或 resident（居民）" / "employee or resident";
    funding_source_values() = "docs/funding.md 所列的资金来源之一" / "one of the funding sources in docs/funding.md";
    no_person_with_id_number() = "您的统筹区内没有该身份证号码的参保人" / "no insured person with this ID number in your region";
    file_refused(count) = "文件未导入：发现 {count} 处问题，未写入任何数据" / "the file was not imported: {count} problem(s); nothing was written";
    import_raced() = "另一次导入同时写入了其中部分业务编号，请重新导入" / "another import posted some of these references meanwhile; import again";
    period_too_far_ahead(last) = "缴费所属期最晚为 {last}（最多预缴一年）" / "a contribution's month is at most {last} (a year ahead)";
}
