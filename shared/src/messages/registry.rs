//! registry

crate::catalogue! {
    const REGISTRY;
    county_code_format() = "区县代码为 6 位行政区划代码" / "a county code is the 6-digit administrative division code";
    county_outside_region(region, prefix) = "统筹区 {region} 的区县代码应为 {prefix}xx，且不同于统筹区本身的代码" / "a county of region {region} has a code {prefix}xx other than the region's own";
    county_exists() = "该区县已登记" / "this county is already registered";
    region_code_format() = "统筹区代码为 6 位行政区划代码" / "a region code is the 6-digit administrative division code";
    unknown_time_zone() = "请使用 IANA 时区名，如 Asia/Shanghai" / "use an IANA time zone name such as Asia/Shanghai";
    region_exists() = "已有使用该代码的统筹区" / "a region with this code exists";
    person_id_number_taken() = "本统筹区已登记该身份证号码的参保人" / "a person with this ID number is already registered in this region";
    enrolled_before_birth() = "参保日期不能早于出生日期" / "enrolment cannot be before the birth date";
    person_changed_meanwhile() = "该参保人信息已被他人修改，请刷新后重试" / "this person was changed by someone else; reload and try again";
    died_on_required() = "死亡状态须填写死亡日期" / "a deceased person needs the date of death";
    died_on_out_of_range() = "死亡日期应在出生日期与今天之间" / "the date of death must be between the birth date and today";
    died_on_without_death() = "只有死亡状态才填写死亡日期" / "a date of death goes with status deceased";
    invalid_phone() = "电话号码为 5–20 个字符，由数字、“+”、“-”和空格组成" / "a phone number is 5–20 characters of digits, '+', '-', spaces";
    latitude_range() = "纬度应在 -90 到 90 度之间" / "latitude is between -90 and 90 degrees";
    longitude_range() = "经度应在 -180 到 180 度之间" / "longitude is between -180 and 180 degrees";
    coordinates_in_pairs() = "纬度和经度须同时填写或同时不填" / "give both latitude and longitude, or neither";
    id_wrong_length(len) = "身份证号码为 18 位，此号码为 {len} 位" / "an ID number has 18 characters, this one has {len}";
    id_invalid_characters() = "身份证号码为 17 位数字加 1 位数字或 X" / "an ID number is 17 digits followed by a digit or X";
    id_unknown_region(code) = "前两位（{code}）不是省级行政区代码" / "the first two digits ({code}) are not a province code";
    id_invalid_birth_date() = "第 7–14 位不是可能的出生日期" / "characters 7–14 are not a possible birth date";
    id_invalid_check_character(found, expected) = "校验码为 {found}，应为 {expected}：号码可能输错了" / "the check character is {found}, it should be {expected}: the number was probably mistyped";
    uscc_wrong_length(len) = "统一社会信用代码为 18 位，此代码为 {len} 位" / "a Unified Social Credit Code has 18 characters, this one has {len}";
    uscc_invalid_character(position, found) = "第 {position} 位（{found}）不允许：代码由数字和除 I、O、S、V、Z 外的大写字母组成" / "character {position} ({found}) is not allowed: codes use digits and capital letters except I, O, S, V, Z";
    uscc_invalid_division(code) = "第 3–8 位（{code}）应为 6 位行政区划代码" / "characters 3–8 ({code}) must be a 6-digit administrative division code";
    uscc_invalid_check_character(found, expected) = "校验码为 {found}，应为 {expected}：代码可能输错了" / "the check character is {found}, it should be {expected}: the code was probably mistyped";
}
