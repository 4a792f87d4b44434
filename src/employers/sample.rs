//! Believable employers for the demo and the generated data: names of the region's city and an
//! industry, valid credit codes, divisions weighted towards the key industries, sizes and
//! headcounts as a province has them. Deterministic for a seed.

use crate::values::CreditCode;

use super::model::EmployerSize;

/// One generated employer.
#[derive(Clone, Debug)]
pub struct SampleEmployer {
    pub credit_code: String,
    pub name: String,
    pub division: String,
    pub size: EmployerSize,
    pub insured_headcount: i32,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
}

/// (division, words of a name in it) for the divisions of Liaoning's key industries and the
/// most common others.
const TRADES: &[(&str, &[&str])] = &[
    ("B06", &["煤业", "矿业"]),
    ("B08", &["铁矿", "矿业"]),
    ("B10", &["石材", "矿业"]),
    ("C25", &["石化", "炼化"]),
    ("C26", &["化工", "精细化工", "化学"]),
    ("C30", &["建材", "水泥", "玻璃"]),
    ("C31", &["钢铁", "特钢", "轧钢"]),
    ("C32", &["铝业", "铜业", "有色金属"]),
    ("C33", &["金属制品", "五金"]),
    ("C34", &["机械", "重工", "通用设备"]),
    ("C36", &["汽车零部件", "汽车"]),
    ("C13", &["食品", "粮油"]),
    ("E47", &["建筑工程", "建设集团", "建工"]),
    ("E48", &["路桥", "市政工程", "土木工程"]),
    ("E49", &["安装工程", "机电安装"]),
    ("E50", &["装饰工程", "装修"]),
    ("G54", &["运输", "物流", "客运"]),
    ("G55", &["海运", "航运"]),
    ("G59", &["仓储", "港务", "装卸"]),
    ("D44", &["热电", "电力"]),
    ("D45", &["燃气"]),
    ("F52", &["商贸", "超市"]),
    ("H62", &["餐饮", "酒店管理"]),
    ("I65", &["软件", "信息技术"]),
    ("K70", &["置业", "房地产开发"]),
    ("O80", &["家政服务", "物业服务"]),
];

const MARKS: &[&str] = &[
    "华晨", "东盛", "北方", "鑫达", "宏远", "恒通", "金桥", "盛京", "辽河", "海城", "永安", "瑞丰", "兴业", "新华",
    "长城", "天成", "博远", "中兴", "广源", "泰和", "信诚", "安泰", "鼎盛", "汇丰", "振兴", "隆基", "明珠", "万达",
    "锦程", "华润",
];
const FORMS: &[&str] = &["有限公司", "有限责任公司", "股份有限公司", "集团有限公司"];
const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: &[&str] =
    &["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "霞"];
const STREETS: &[&str] =
    &["建设大路", "工业路", "和平大街", "中山路", "经济技术开发区", "高新区创新路", "滨海路", "北站路"];
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A small SplitMix64 stream: enough for believable variety, the same for the same seed.
pub struct Sample {
    state: u64,
}

impl Sample {
    pub fn new(seed: u64) -> Sample {
        Sample { state: seed }
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// The `n`th employer of a region (`region_code` 210100, city name 沈阳市). Names repeat
    /// rarely; the credit code is unique per region and `n`.
    pub fn employer(&mut self, region_code: &str, city: &str, n: u64) -> SampleEmployer {
        let (division, words) = *self.pick(TRADES);
        let place = city.trim_end_matches('市').trim_end_matches("省本级");
        let place = if place.is_empty() { "辽宁" } else { place };
        let name = format!("{place}{}{}{}", self.pick(MARKS), self.pick(words), self.pick(FORMS));
        // 9 (工商) 1 (企业), the region code, then a serial made of `n` and noise.
        let mut body = format!("91{region_code}");
        let mut serial = n;
        for _ in 0..4 {
            body.push(ALPHABET[(serial % 31) as usize] as char);
            serial /= 31;
        }
        while body.len() < 17 {
            body.push(*self.pick(ALPHABET) as char);
        }
        let credit_code = CreditCode::completing(&body).map(|c| c.as_str().to_string()).unwrap_or(body);
        let roll = self.below(100);
        let (size, headcount) = match roll {
            0..=4 => (EmployerSize::Large, 1000 + self.below(9000)),
            5..=24 => (EmployerSize::Medium, 100 + self.below(900)),
            25..=69 => (EmployerSize::Small, 10 + self.below(90)),
            _ => (EmployerSize::Micro, 1 + self.below(9)),
        };
        SampleEmployer {
            credit_code,
            name,
            division: division.to_string(),
            size,
            insured_headcount: headcount as i32,
            address: format!("{place}{}{}号", self.pick(STREETS), 1 + self.below(300)),
            contact_person: format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN)),
            contact_phone: format!("1{}{:09}", 3 + self.below(7), self.below(1_000_000_000)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_carry_valid_credit_codes_and_repeat_for_a_seed() {
        let mut a = Sample::new(7);
        let mut b = Sample::new(7);
        for n in 0..200 {
            let (x, y) = (a.employer("210100", "沈阳市", n), b.employer("210100", "沈阳市", n));
            assert_eq!(x.credit_code, y.credit_code);
            assert!(CreditCode::parse(&x.credit_code).is_ok(), "{}", x.credit_code);
            assert!(x.name.starts_with("沈阳"));
            assert!(crate::values::Phone::parse(&x.contact_phone).is_ok(), "{}", x.contact_phone);
        }
    }
}
