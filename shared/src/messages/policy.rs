//! policy

crate::catalogue! {
    const POLICY;
    policy_money_positive() = "以元为单位，须大于 0" / "yuan, more than 0";
    policy_share_from_zero() = "比例从 0 到 1，如 0.75" / "a share from 0 up to 1, e.g. 0.75";
    policy_share_above_zero() = "比例大于 0、至多 1，如 0.75" / "a share more than 0 up to 1, e.g. 0.75";
    policy_share_precision() = "比例最多四位小数（万分之一）" / "at most four decimals (basis points)";
    policy_levels_range() = "等级为 1 到 5" / "levels from 1 to 5";
    policy_level_twice() = "同一等级列了两次" / "a level is listed twice";
    policy_catalogue_required() = "提供居家上门服务时须列出服务项目" / "home visits are offered: list the service items";
    policy_item_code_format() = "1–16 个字符：A–Z、数字和 -" / "1–16 characters: A–Z, digits and -";
    policy_item_code_twice() = "已有其他项目使用该代码" / "another item has this code";
    policy_withholding_range() = "比例从 0 到 0.5" / "a share from 0 up to 0.5";
    policy_at_least_one_level() = "至少一个等级" / "at least one level";
    policy_level_not_eligible(level, mode) = "等级 {level} 在 {mode} 方式下不享受待遇" / "level {level} is not eligible for {mode}";
    policy_tier_only_hospital() = "只有医疗专护的标准按医院级别区分" / "only hospital-ward rates differ by facility tier";
    policy_tier_range() = "医院级别为 1 到 3" / "a facility tier from 1 to 3";
    policy_per_item_amount() = "按项目付费的标准由服务项目目录定价" / "per_item rates are priced by the catalogue";
    policy_per_item_home_only() = "按项目付费只适用于居家上门服务项目" / "per_item pays home-visit items only";
    policy_daily_amount_required() = "每日限额或每日定额（元）" / "the daily cap or daily amount in yuan";
    policy_duplicate_rate(other) = "{other} 已为该险种、服务方式和等级定价" / "{other} already prices this scheme, mode and level";
    policy_no_rate(level, scheme) = "等级 {level} 享受待遇，但没有为 {scheme} 险种定价的标准" / "level {level} is eligible but no rate prices it for the {scheme} scheme";
    invalid_toml(detail, at) = "不是有效的 TOML（{at}）：{detail}" / "not valid TOML ({at}): {detail}";
    policy_refused(count) = "政策未导入：发现 {count} 处问题" / "the policy was not imported: {count} problem(s)";
    policy_key_missing(at) = "缺少此项（{at}）" / "this key is missing ({at})";
    policy_key_unknown(at) = "没有这一项（{at}）" / "no such key ({at})";
    policy_decimal(at) = "须写成带引号的十进制数，如 \"80.00\"（{at}）" / "write it as a quoted decimal, e.g. \"80.00\" ({at})";
    policy_decimal_precision(at) = "最多四位小数（{at}）" / "at most four decimals ({at})";
    policy_value(detail, at) = "取值无效（{at}）：{detail}" / "invalid value ({at}): {detail}";
    send_policy() = "请以 Content-Type: application/toml 或 application/json 发送政策文件" / "send the policy as Content-Type: application/toml or application/json";
    document_utf8() = "文件须为 UTF-8 编码" / "the document must be UTF-8";
    policy_wrong_region(code, mine) = "此政策属于统筹区 {code}，您管理的是统筹区 {mine}" / "the policy is for region {code}; you manage region {mine}";
    policy_import_raced() = "同时有另一份政策导入了您的统筹区，请重新导入" / "another policy was imported for your region meanwhile; import again";
    governed_by_policy(version, from) = "此项由现行待遇政策（第 {version} 版，自 {from} 起）决定；如需修改请导入新的政策版本" / "the benefit policy in force (version {version}, from {from}) decides this; import a new policy version to change it";
    at_line_column(line, column) = "第 {line} 行第 {column} 列" / "line {line}, column {column}";
    at_unknown_place() = "位置不明" / "position unknown";
}
