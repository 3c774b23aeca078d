//! inspections and follow-up

crate::catalogue! {
    const INSPECTIONS;
    inspection_planned() = "待检查" / "to inspect";
    inspection_done() = "已检查" / "inspected";
    inspection_compliant() = "未发现问题" / "no problem found";
    inspection_problems_found() = "发现问题" / "problems found";
    thing_inspection() = "检查" / "inspection";
    thing_inspection_draw() = "抽查批次" / "draw";
    unknown_inspector() = "该账号不是本统筹区在职的经办或监督人员" / "this account is not an active officer or auditor of the region";
    conflict_already_declared() = "该回避关系已登记" / "this link is already declared";
    seed_invalid() = "随机种子只能是 1–64 位字母、数字、“-”或“_”" / "a seed is 1–64 letters, digits, '-' or '_'";
    draw_count_range(max) = "抽取数量须在 1 到 {max} 之间" / "draw between 1 and {max}";
    no_candidates() = "本统筹区没有可抽查的定点机构" / "the region has no designated institution to inspect";
    not_enough_inspectors(institution) = "可派往“{institution}”的检查人员不足（已排除回避人员）" / "not enough inspectors may go to “{institution}” (declared links excluded)";
    draw_id_reused() = "该抽查批次编号已用于另一次内容不同的抽取" / "this draw id was used for another, different draw";
    inspection_already_recorded() = "该检查结果已登记" / "this inspection's result is already recorded";
    inspection_changed_meanwhile() = "该检查已被他人修改，请刷新后重试" / "this inspection was changed meanwhile; reload and try again";
    inspection_day_outside() = "检查日期须不早于抽取日，且不晚于今天" / "the day inspected is between the draw and today";
    problems_required() = "发现问题时请逐条填写（1–10 条）" / "list the problems found, one to ten";
    problems_not_allowed() = "未发现问题时不应填写问题" / "no problem is listed when none was found";
    inspection_problem_summary(problem) = "现场检查发现：{problem}" / "found on site: {problem}";
    follow_up_pending() = "待回访" / "to follow up";
    follow_up_done() = "已回访" / "followed up";
    follow_up_unreachable() = "联系不上" / "unreachable";
    channel_phone() = "电话" / "phone";
    channel_visit() = "上门" / "visit";
    thing_follow_up() = "回访" / "follow-up";
    sample_size_range(max) = "抽样人数须在 1 到 {max} 之间" / "sample between 1 and {max} people";
    nobody_served() = "该月没有接受服务的参保人" / "nobody received care that month";
    person_not_served(month) = "该参保人 {month} 未接受任何机构的服务" / "this person received no care in {month}";
    follow_up_id_reused() = "该回访编号已用于另一位参保人或另一个月份" / "this follow-up id was used for another person or month";
    satisfaction_from_follow_ups(answered, mean) = "由回访得出：{answered} 人次，平均满意度 {mean} 分（满分 5 分）" / "from follow-ups: {answered} answered, mean satisfaction {mean} of 5";
    sample_month_not_over() = "只能对已结束的月份抽样回访" / "only a month that is over is sampled";
    follow_up_status_answered() = "请登记为“已回访”或“联系不上”" / "record it as done or unreachable";
    thing_follow_up_sample() = "回访样本" / "follow-up sample";
    sample_already_drawn() = "该月已抽样，原抽样结果见下" / "that month is already sampled; the sample is below";
    follow_up_already_recorded() = "该回访已登记" / "this follow-up is already recorded";
    follow_up_changed_meanwhile() = "该回访已被他人修改，请刷新后重试" / "this follow-up was changed meanwhile; reload and try again";
    follow_up_answer_required() = "请填写" / "answer this";
    follow_up_answer_not_allowed() = "联系不上时不填写回答" / "no answer is recorded when the person was not reached";
    satisfaction_range() = "满意度为 1–5" / "satisfaction is 1 to 5";
    care_not_given_summary(month) = "回访中参保人或家属表示 {month} 未获得所记录的服务" / "on follow-up, the beneficiary or their family said the care recorded for {month} was not given";
    payment_asked_summary(month) = "回访中参保人或家属表示 {month} 被索要费用" / "on follow-up, the beneficiary or their family said payment was asked for in {month}";
}
