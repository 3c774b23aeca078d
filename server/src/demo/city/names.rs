//! The people, places and codes of a generated city: Chinese names, addresses, coordinates, valid
//! ID numbers (居民身份证号码) and credit codes (统一社会信用代码), phone numbers — each drawn from
//! the city's seeded generator.

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕",
    "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "崔", "姜",
];
const MEN: &[&str] = &[
    "德", "福", "守", "田", "建", "国", "明", "志", "永", "庆", "发", "树", "文", "金", "宝", "山", "春", "海", "忠",
    "良", "胜", "利", "先", "洪", "振", "兴", "刚", "强", "军", "平",
];
const WOMEN: &[&str] = &[
    "桂", "兰", "秀", "英", "玉", "梅", "淑", "珍", "凤", "芳", "华", "荣", "翠", "春", "云", "霞", "琴", "花", "萍",
    "莲", "娟", "丽", "静", "敏", "红", "燕", "艳", "芬", "香", "美",
];
const RELATIONS: &[&str] = &["儿子", "女儿", "配偶", "儿媳", "女婿", "孙子", "外孙女", "侄子"];

/// Urban districts and rural towns of the city, with the household-registration codes their ID
/// numbers begin with.
pub const URBAN: &[(&str, &str)] =
    &[("市南区", "370202"), ("市北区", "370203"), ("黄岛区", "370211"), ("崂山区", "370212"), ("李沧区", "370213")];
pub const RURAL: &[(&str, &str)] = &[("胶州市", "370281"), ("平度市", "370283"), ("莱西市", "370285")];
const ROADS: &[&str] = &[
    "香港中路",
    "辽宁路",
    "宁夏路",
    "延安路",
    "南京路",
    "福州路",
    "重庆路",
    "黑龙江路",
    "海尔路",
    "长沙路",
    "山东路",
    "台东一路",
    "珠江路",
    "滨海大道",
    "江山路",
];
const TOWNS: &[&str] = &["李哥庄镇", "院上镇", "胶东街道", "南村镇", "河头店镇", "姜山镇", "店子镇", "九龙街道"];
const VILLAGES: &[&str] =
    &["东村", "西王村", "后庄扶村", "南屯村", "北岭村", "前韩村", "大沟村", "小河村", "刘家庄", "张家埠"];
const GOOD_WORDS: &[&str] = &[
    "康宁",
    "福寿",
    "颐年",
    "安康",
    "长乐",
    "松鹤",
    "夕阳红",
    "仁爱",
    "永安",
    "祥和",
    "怡园",
    "慈恩",
    "百岁",
    "康乐",
    "和美",
    "温馨",
];

/// The city's centre (its coordinates), from which homes and institutions spread.
pub const CENTRE: (f64, f64) = (36.07, 120.38);

/// A uniform pick from a slice.
pub fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// A name of two or three characters.
pub fn person_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let given = if male { MEN } else { WOMEN };
    let mut name = pick(rng, SURNAMES).to_owned();
    name.push_str(pick(rng, given));
    if rng.random_bool(0.7) {
        name.push_str(pick(rng, given));
    }
    name
}

/// An emergency contact of someone named `surname…`: name, phone and relation.
pub fn contact(rng: &mut ChaCha8Rng, of: &str) -> (String, String, String) {
    let surname: String = of.chars().take(1).collect();
    let mut name = surname;
    let given = if rng.random_bool(0.5) { MEN } else { WOMEN };
    name.push_str(pick(rng, given));
    name.push_str(pick(rng, MEN));
    (name, mobile(rng), pick(rng, RELATIONS).to_owned())
}

/// A mobile number (11 digits, 13x–19x).
pub fn mobile(rng: &mut ChaCha8Rng) -> String {
    format!("1{}{:09}", rng.random_range(3..=9), rng.random_range(0..1_000_000_000u32))
}

/// Where someone lives: the address and its coordinates, urban or rural.
pub fn home(rng: &mut ChaCha8Rng, city: &str, rural: bool) -> (String, f64, f64) {
    let (lat, lon) = scatter(rng, if rural { 0.35 } else { 0.08 });
    let address = if rural {
        let (county, _) = pick(rng, RURAL);
        format!("{city}{county}{}{}{}号", pick(rng, TOWNS), pick(rng, VILLAGES), rng.random_range(1..200))
    } else {
        let (district, _) = pick(rng, URBAN);
        format!(
            "{city}{district}{}{}号 {}单元 {}{:02}",
            pick(rng, ROADS),
            rng.random_range(1..400),
            rng.random_range(1..6),
            rng.random_range(1..19),
            rng.random_range(1..5)
        )
    };
    (address, lat, lon)
}

/// A point within `spread` degrees of the centre, to 5 decimals (about a metre).
pub fn scatter(rng: &mut ChaCha8Rng, spread: f64) -> (f64, f64) {
    let lat = CENTRE.0 + rng.random_range(-spread..spread);
    let lon = CENTRE.1 + rng.random_range(-spread..spread) * 1.2;
    ((lat * 1e5).round() / 1e5, (lon * 1e5).round() / 1e5)
}

/// A word for an institution's name.
pub fn good_word(rng: &mut ChaCha8Rng) -> &'static str {
    pick(rng, GOOD_WORDS)
}

/// A district or county name.
pub fn district(rng: &mut ChaCha8Rng, rural: bool) -> (&'static str, &'static str) {
    pick(rng, if rural { RURAL } else { URBAN })
}

/// A town name (for township health centres).
pub fn town(rng: &mut ChaCha8Rng) -> &'static str {
    pick(rng, TOWNS)
}

/// A road name (for institutions' addresses).
pub fn road(rng: &mut ChaCha8Rng) -> &'static str {
    pick(rng, ROADS)
}

/// A day uniformly in `from..=to`.
pub fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Days::new(rng.random_range(0..=span).unsigned_abs())
}

/// A valid ID number, not in `taken`, for someone born between the two years: a household code of
/// the city (rural or urban), the birth date, a sequence of 100–999 (odd for men) and the check
/// character. Returns the number and whether the person is a man.
pub fn id_number(
    rng: &mut ChaCha8Rng,
    taken: &mut HashSet<String>,
    born: (i32, i32),
    rural: bool,
) -> (String, bool, NaiveDate) {
    loop {
        let (_, area) = district(rng, rural);
        let from = NaiveDate::from_ymd_opt(born.0, 1, 1).unwrap_or_default();
        let to = NaiveDate::from_ymd_opt(born.1, 12, 31).unwrap_or_default();
        let birth = day_between(rng, from, to);
        let male = rng.random_bool(0.45);
        let seq = rng.random_range(50..500u32) * 2 + u32::from(male);
        let first17 = format!("{area}{:04}{:02}{:02}{seq:03}", birth.year(), birth.month(), birth.day());
        let mut digits = [0u8; 17];
        digits.copy_from_slice(first17.as_bytes());
        let number = format!("{first17}{}", ltci_shared::id_number::check_character(&digits));
        if taken.insert(number.clone()) {
            return (number, male, birth);
        }
    }
}

/// A valid unified social credit code: `prefix` (the registering authority and kind, e.g. `52` a
/// private non-enterprise unit), the division code, an organisation code from `n`, the check.
pub fn uscc(prefix: &str, division: &str, n: usize) -> String {
    let first17 = format!("{prefix}{division}MA{n:07}");
    let check = ltci_shared::uscc::check_character(first17.as_bytes()).unwrap_or('0');
    format!("{first17}{check}")
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn numbers_and_codes_are_valid_and_distinct() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut taken = HashSet::new();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        for i in 0..2_000 {
            let (n, male, birth) = id_number(&mut rng, &mut taken, (1925, 1960), i % 3 == 0);
            let id = ltci_shared::IdNumber::parse_on(&n, today).expect("valid");
            assert_eq!((id.birth_date(), id.sex() == ltci_shared::id_number::Sex::Male), (birth, male));
        }
        assert_eq!(taken.len(), 2_000);
        for n in 0..100 {
            ltci_shared::Uscc::parse(&uscc("52", "370202", n)).expect("valid credit code");
        }
        let p = mobile(&mut rng);
        assert_eq!((p.len(), p.starts_with('1')), (11, true));
    }
}
