//! Messages every capability uses: the envelope's own, field rules, nouns for "not found".

crate::catalogue! {
    const COMMON;
    /// Text kept as it was written: stored before the catalogue existed.
    verbatim(text) = "{text}" / "{text}";
    // The envelope and the HTTP layer.
    invalid_input(fields) = "输入有误：{fields}" / "invalid input: {fields}";
    forbidden() = "您的角色无权进行此操作" / "your role may not do this";
    not_found(thing) = "未找到该{thing}" / "{thing} not found";
    account_locked(secs) = "登录失败次数过多，请在 {secs} 秒后重试" / "too many failed logins; try again in {secs} seconds";
    service_unavailable() = "服务暂时不可用，请稍后重试" / "the service is temporarily unavailable";
    internal_error() = "服务器内部错误" / "internal error";
    conflicts_with_existing() = "与已有记录冲突" / "this conflicts with an existing record";
    unknown_reference() = "引用的记录不存在" / "refers to a record that does not exist";
    no_such_endpoint() = "没有这个接口" / "no such endpoint";
    method_not_allowed() = "此接口不接受该请求方法" / "this endpoint does not accept that method";
    send_json() = "请以 JSON 发送请求体（Content-Type: application/json）" / "send the body as JSON with Content-Type: application/json";
    send_csv() = "请以 text/csv 发送文件" / "send the file as text/csv";
    body_too_large() = "请求体过大" / "the request body is too large";
    body_unreadable() = "无法读取请求体" / "the request body could not be read";
    csv_too_large(mib) = "文件过大：通过网络最多 {mib} MiB，请拆分后上传" / "split the file: at most {mib} MiB over HTTP";
    upload_interrupted() = "上传不完整，请重新发送" / "the upload did not arrive whole; send it again";
    not_json(detail) = "请求体不是有效的 JSON：{detail}" / "the body is not valid JSON: {detail}";
    field_required(field) = "缺少必填项 {field}" / "{field} is required";
    unknown_value(given, expected) = "未知的取值 {given}，可选：{expected}" / "unknown value {given}, expected one of {expected}";
    invalid_type(detail) = "类型或格式不对：{detail}" / "{detail}";
    invalid_path_value(detail) = "地址中的参数无效：{detail}" / "{detail}";
    limit_out_of_range(max) = "limit 应在 1 到 {max} 之间" / "limit must be between 1 and {max}";
    offset_out_of_range(max) = "offset 应在 0 到 {max} 之间" / "offset must be between 0 and {max}";

    // Field rules.
    must_not_be_empty() = "不能为空" / "must not be empty";
    too_long(max) = "最多 {max} 个字符" / "at most {max} characters";
    one_line_only() = "只能是一行文字，不能含换行符或控制字符" / "one line of text: no line breaks or control characters";
    no_control_characters() = "不能含控制字符" / "no control characters";
    between(lo, hi) = "应在 {lo} 到 {hi} 之间" / "between {lo} and {hi}";
    invalid_control_in_body() = "文字中含有控制字符（如 NUL）" / "the text holds a control character (such as NUL)";

    // Nouns, for "… not found" and the like.
    thing_record() = "记录" / "record";
    thing_user() = "用户" / "user";
    thing_region() = "统筹区" / "region";
    thing_county() = "区县" / "county";
    thing_insured_person() = "参保人" / "insured person";
    thing_institution() = "机构" / "institution";
    thing_service_relation() = "服务关系" / "service relation";
    thing_assessment_case() = "评估案件" / "assessment case";
    thing_certificate() = "失能等级证书" / "certificate";
    thing_instrument() = "评估量表" / "instrument";
    thing_caregiver() = "护理人员" / "caregiver";
    thing_caregiver_assignment() = "护理人员分派" / "caregiver assignment";
    thing_attachment() = "附件" / "attachment";
    thing_evaluation() = "评鉴" / "evaluation";
    thing_journal_entry() = "记账凭证" / "journal entry";
    thing_reserve_draw() = "调剂金动用" / "reserve draw";
    thing_fund() = "基金" / "fund";
    thing_import() = "导入类型" / "kind of import";
    thing_policy_version() = "政策版本" / "policy version";
    thing_policy_in_force() = "该日有效的政策" / "policy in force on that date";
    thing_care_plan() = "护理计划" / "care plan";
    thing_visit() = "上门服务" / "visit";
    thing_stay() = "入住记录" / "stay";
    thing_bill() = "结算单" / "bill";
    thing_bill_line() = "结算明细" / "bill line";
    thing_month_end_run() = "月末结算批次" / "month-end run";
    thing_hospitalisation() = "住院记录" / "hospital stay";
    money_too_precise() = "金额最多两位小数（到分）" / "amounts have at most two decimal places (fen)";
    money_out_of_range() = "金额超出允许范围" / "the amount is out of range";
    money_not_positive() = "金额须大于零" / "the amount must be more than zero";
    invalid_amount() = "金额须写成带引号的十进制数，如 \"30.00\"（不用科学计数法、正负号或省略整数部分）" / "write the amount as a quoted decimal such as \"30.00\" (no exponent, sign or missing digits)";
    invalid_hours() = "学时须写成带引号的十进制数，最多一位小数，如 \"7.5\"" / "write the hours as a quoted decimal with at most one decimal, such as \"7.5\"";
    date_out_of_window(first, last) = "日期应在 {first} 年到 {last} 年之间" / "a date between the years {first} and {last}";
    invalid_date() = "日期须为 YYYY-MM-DD 格式的有效日期" / "a valid date as YYYY-MM-DD";
    invalid_month() = "月份须为 YYYY-MM 格式" / "a month as YYYY-MM";
    date_after_today(today) = "不能晚于今天（{today}）" / "cannot be after today ({today})";
    date_beyond_horizon(last) = "不能晚于 {last}" / "cannot be after {last}";
    amount_above(max) = "金额不能超过 {max} 元" / "at most {max} yuan";
    thing_provider_choice() = "定点机构选择" / "provider choice";
}
