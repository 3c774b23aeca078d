//! Verifying the audit chain (`ltci-server audit verify`): each region's records walked in
//! order, every hash recomputed, every link and place checked, up to the region's head.

use ltci_shared::messages as m;
use ltci_shared::text::Text;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::chain::{GENESIS, link_hash};
use crate::entities::{audit_chain_head, audit_event, region};

/// Records read per query of the walk.
const PAGE: u64 = 5_000;

/// The first place where a region's chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Break {
    /// Record `seq` is not what was written: its fields no longer give its hash (edited).
    Altered { seq: i64, id: Uuid, action: String, entity_type: String, entity_id: String },
    /// Record `seq` does not name its predecessor's hash (its predecessor was replaced).
    Relinked { seq: i64, id: Uuid },
    /// Records `from` to `to` are missing (deleted).
    Missing { from: i64, to: i64 },
    /// The head names a record the chain does not end with (the head was altered).
    Head { head_seq: i64, last_seq: i64 },
    /// Records in the chain but the region's head is gone.
    NoHead { last_seq: i64 },
}

impl Break {
    /// What broke, in words.
    pub fn text(&self) -> Text {
        match self {
            Break::Altered { seq, id, action, entity_type, entity_id } => {
                m::audit_break_altered(seq, id, action, format!("{entity_type} {entity_id}"))
            }
            Break::Relinked { seq, id } => m::audit_break_relinked(seq, id),
            Break::Missing { from, to } if from == to => m::audit_break_missing_one(from),
            Break::Missing { from, to } => m::audit_break_missing(from, to),
            Break::Head { head_seq, last_seq } => m::audit_break_head(head_seq, last_seq),
            Break::NoHead { last_seq } => m::audit_break_no_head(last_seq),
        }
    }
}

/// One region's chain as the walk found it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionChain {
    pub region_id: Uuid,
    pub region_code: String,
    /// Records walked and found sound, up to the first break.
    pub verified: i64,
    /// The head: the number of records and the last one's hash.
    pub head_seq: i64,
    pub head_hash: String,
    /// The first place the chain does not hold, if any.
    pub first_break: Option<Break>,
    /// Records committed outside the chain (written into the database directly).
    pub unlinked: u64,
}

impl RegionChain {
    pub fn is_sound(&self) -> bool {
        self.first_break.is_none() && self.unlinked == 0
    }
}

/// Walks the chain of `region_id` (every region's when `None`); `tick(done, total)` after each
/// page of records.
pub async fn run<C: ConnectionTrait>(
    db: &C,
    region_id: Option<Uuid>,
    tick: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Vec<RegionChain>, DbErr> {
    let mut regions = region::Entity::find().order_by_asc(region::Column::Code);
    if let Some(id) = region_id {
        regions = regions.filter(region::Column::Id.eq(id));
    }
    let regions = regions.all(db).await?;
    let heads: std::collections::HashMap<Uuid, audit_chain_head::Model> =
        audit_chain_head::Entity::find().all(db).await?.into_iter().map(|h| (h.region_id, h)).collect();
    let total: u64 = regions.iter().filter_map(|r| heads.get(&r.id)).map(|h| h.seq.max(0) as u64).sum();
    let mut done = 0;
    let mut out = Vec::with_capacity(regions.len());
    for r in regions {
        let head = heads.get(&r.id).cloned();
        let mut chain = walk(db, r.id, head.as_ref(), &mut |n| {
            done += n;
            tick(done, total);
        })
        .await?;
        chain.region_code = r.code;
        out.push(chain);
    }
    Ok(out)
}

async fn walk<C: ConnectionTrait>(
    db: &C,
    region_id: Uuid,
    head: Option<&audit_chain_head::Model>,
    tick: &mut (dyn FnMut(u64) + Send),
) -> Result<RegionChain, DbErr> {
    let unlinked = audit_event::Entity::find()
        .filter(audit_event::Column::RegionId.eq(region_id))
        .filter(audit_event::Column::Seq.is_null())
        .count(db)
        .await?;
    let (head_seq, head_hash) = head.map_or((0, GENESIS.to_owned()), |h| (h.seq, h.hash.clone()));
    let mut chain = RegionChain {
        region_id,
        region_code: String::new(),
        verified: 0,
        head_seq,
        head_hash: head_hash.clone(),
        first_break: None,
        unlinked,
    };
    let (mut last_seq, mut last_hash) = (0_i64, GENESIS.to_owned());
    // Records linked after the head was read belong to a later walk.
    let bound = if head.is_some() { head_seq } else { i64::MAX };
    loop {
        let page = audit_event::Entity::find()
            .filter(audit_event::Column::RegionId.eq(region_id))
            .filter(audit_event::Column::Seq.gt(last_seq))
            .filter(audit_event::Column::Seq.lte(bound))
            .order_by_asc(audit_event::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let n = page.len() as u64;
        for e in page {
            let seq = e.seq.unwrap_or_default();
            let found = if seq != last_seq + 1 {
                Some(Break::Missing { from: last_seq + 1, to: seq - 1 })
            } else if e.prev_hash.as_deref() != Some(last_hash.as_str()) {
                Some(Break::Relinked { seq, id: e.id })
            } else if e.hash.as_deref() != Some(link_hash(&e, seq, &last_hash).as_str()) {
                Some(Break::Altered {
                    seq,
                    id: e.id,
                    action: e.action.clone(),
                    entity_type: e.entity_type.clone(),
                    entity_id: e.entity_id.clone(),
                })
            } else {
                None
            };
            if found.is_some() {
                chain.first_break = found;
                return Ok(chain);
            }
            (last_seq, last_hash) = (seq, e.hash.unwrap_or_default());
            chain.verified = seq;
        }
        tick(n);
        if n < PAGE {
            break;
        }
    }
    chain.first_break = match head {
        None if last_seq > 0 => Some(Break::NoHead { last_seq }),
        Some(_) if last_seq < head_seq => Some(Break::Missing { from: last_seq + 1, to: head_seq }),
        Some(_) if last_seq != head_seq || last_hash != head_hash => Some(Break::Head { head_seq, last_seq }),
        _ => None,
    };
    Ok(chain)
}
