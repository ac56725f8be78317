//! The storage of the social network: compressed sparse rows ([`Csr`]) and the two layers of ties
//! every voter has ([`SocialGraph`]), with neighbour access and a builder from undirected edge
//! lists (see `docs/MODEL.md` §2.2).
//!
//! Reads nothing but the edges it is given and writes nothing but the graphs it returns: the
//! simulation builds the graph (`sim::network` generates it) and the phases and metrics read it.
//! The builder is a parallel counting sort whose result does not depend on the thread count
//! (`docs/PERFORMANCE.md`).

use rayon::prelude::*;
use std::ops::Range;

/// Bytes of `targets` each range of rows spans while a [`Csr`] is filled: about an L2 cache.
const SCATTER_BYTES: usize = 512 << 10;
/// Nodes per row-sorting task when building a [`Csr`].
const SORT_BLOCK: usize = 4096;

/// Compressed sparse rows: neighbours of v are `targets[offsets[v]..offsets[v+1]]`, sorted
/// ascending, no duplicates, no self-loops; symmetric (u lists v iff v lists u).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Csr {
    /// `node_count + 1` row starts into `targets` (empty for a default, zero-node graph).
    offsets: Vec<u32>,
    /// Concatenated neighbour lists.
    targets: Vec<u32>,
}

impl Csr {
    /// Neighbours of `v`, sorted ascending. Panics if `v` is not a node.
    #[inline]
    pub fn neighbours(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// Number of neighbours of `v`. Panics if `v` is not a node.
    #[inline]
    pub fn degree(&self, v: u32) -> usize {
        let v = v as usize;
        (self.offsets[v + 1] - self.offsets[v]) as usize
    }

    /// Number of nodes (voters).
    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of directed entries, i.e. twice the number of undirected edges.
    pub fn entry_count(&self) -> usize {
        self.targets.len()
    }

    /// Mean degree (entries per node); 0 for an empty graph.
    pub fn mean_degree(&self) -> f64 {
        match self.node_count() {
            0 => 0.0,
            n => self.entry_count() as f64 / n as f64,
        }
    }

    /// Heap bytes held by the two arrays.
    pub fn bytes(&self) -> usize {
        (self.offsets.capacity() + self.targets.capacity()) * size_of::<u32>()
    }

    /// Build from undirected edge pairs: symmetrise, drop self-loops, dedup. O(N + E) counting
    /// sort plus a sort of each (short) row; no hash set, no per-edge heap objects.
    ///
    /// Panics if an endpoint is `>= node_count` or if there are more than `u32::MAX` entries.
    pub fn from_undirected_edges(node_count: usize, edges: &[(u32, u32)]) -> Csr {
        // The builder partitions its input in place, so it works on a copy.
        build_csr(node_count, edges.chunks(1 << 16).map(<[_]>::to_vec).collect())
    }

    /// Complete graph on `node_count` nodes (for textbook validation configurations; small N
    /// only). Panics if `node_count * (node_count - 1)` exceeds `u32::MAX`.
    pub fn complete(node_count: usize) -> Csr {
        let n = node_count;
        let entries = n.checked_mul(n.saturating_sub(1)).filter(|&e| e <= u32::MAX as usize);
        let entries = entries.unwrap_or_else(|| panic!("complete graph on {n} nodes is too large"));
        let offsets = (0..=n).map(|v| (v * n.saturating_sub(1)) as u32).collect();
        let mut targets = Vec::with_capacity(entries);
        for v in 0..n as u32 {
            targets.extend((0..n as u32).filter(|&u| u != v));
        }
        Csr { offsets, targets }
    }

    /// Build from undirected edge pairs handed over in chunks (as parallel producers make them),
    /// in any order: like [`Csr::from_undirected_edges`], but without a copy, as the builder
    /// reorders each chunk in place. The result does not depend on how the edges are chunked.
    ///
    /// Panics if an endpoint is `>= node_count` or if there are more than `u32::MAX` entries.
    pub fn from_edge_chunks(node_count: usize, chunks: Vec<Vec<(u32, u32)>>) -> Csr {
        build_csr(node_count, chunks)
    }

    /// Check every invariant: `node_count` rows, rows strictly sorted, no self-loops, symmetric.
    #[cfg(test)]
    pub(crate) fn assert_valid(&self, node_count: usize) {
        let g = self;
        let n = node_count;
        assert_eq!(g.node_count(), n);
        assert_eq!(g.offsets.len(), n + 1);
        assert_eq!(*g.offsets.last().unwrap() as usize, g.entry_count());
        for v in 0..n as u32 {
            let row = g.neighbours(v);
            assert_eq!(row.len(), g.degree(v));
            assert!(row.windows(2).all(|w| w[0] < w[1]), "row {v} not strictly sorted");
            assert!(!row.contains(&v), "self-loop at {v}");
            for &u in row {
                assert!(g.neighbours(u).binary_search(&v).is_ok(), "{v}->{u} not symmetric");
            }
        }
    }
}

/// Counting-sort builder behind [`Csr::from_undirected_edges`] and [`Csr::from_edge_chunks`].
/// Takes the edge list in chunks, in any order, and reorders them in place.
///
/// Writes to random rows of a large `targets` array miss cache and TLB on every entry, so each
/// side of the edges is written range by range instead: every chunk is first partitioned (in
/// cache) by the range of rows its entries go to, then each range of rows — about
/// `SCATTER_BYTES` of `targets` — takes its entries from all chunks in chunk order. Ranges own
/// disjoint rows, so they are filled in parallel, and the result is the same for any thread
/// count. (Degrees are counted directly: the counters are small enough to stay cached.)
fn build_csr(node_count: usize, mut chunks: Vec<Vec<(u32, u32)>>) -> Csr {
    let n = node_count;
    assert!(n < u32::MAX as usize, "too many nodes for a u32 CSR: {n}");
    chunks.par_iter_mut().for_each(|chunk| {
        assert!(chunk.iter().all(|&(a, b)| (a as usize) < n && (b as usize) < n), "edge out of range for {n} nodes");
        chunk.retain(|&(a, b)| a != b);
    });

    // Degrees (both directions) into `offsets[v + 1]`, then prefix sums.
    let mut offsets = vec![0u32; n + 1];
    let total: usize = chunks.iter().map(|c| 2 * c.len()).sum();
    assert!(total <= u32::MAX as usize, "too many CSR entries: {total}");
    for &(a, b) in chunks.iter().flatten() {
        offsets[a as usize + 1] += 1;
        offsets[b as usize + 1] += 1;
    }
    for v in 0..n {
        offsets[v + 1] += offsets[v];
    }

    // Rows per range: a power of two near SCATTER_BYTES / (mean bytes per row).
    let shift = (SCATTER_BYTES * n / (4 * total).max(1)).max(1).ilog2();
    let ranges = (n >> shift) + 1;
    let range_rows = |r: usize| (r << shift).min(n)..((r + 1) << shift).min(n);
    let span = |rows: Range<usize>| (offsets[rows.end] - offsets[rows.start]) as usize;
    let mut targets = vec![0u32; total];
    let mut cursor = offsets[..n].to_vec();
    for side in [Side::Source, Side::Target] {
        let bounds: Vec<Vec<u32>> = chunks
            .par_iter_mut()
            .map_init(Vec::new, |scratch, chunk| partition(chunk, scratch, ranges, |e| (side.row(e) >> shift) as usize))
            .collect();
        let pieces = split_lengths(&mut targets, (0..ranges).map(|r| span(range_rows(r))));
        let cursors = split_lengths(&mut cursor, (0..ranges).map(|r| range_rows(r).len()));
        pieces.into_par_iter().zip(cursors).enumerate().for_each(|(r, (t, c))| {
            let rows = range_rows(r);
            let base = offsets[rows.start];
            for (chunk, bound) in chunks.iter().zip(&bounds) {
                for &e in &chunk[bound[r] as usize..bound[r + 1] as usize] {
                    let slot = &mut c[side.row(e) as usize - rows.start];
                    t[(*slot - base) as usize] = side.other(e);
                    *slot += 1;
                }
            }
        });
    }
    drop(chunks);

    // Sort and dedup every row in place, in parallel over blocks of rows; `cursor` is reused
    // to hold each row's deduplicated length.
    let block_rows = |b: usize| b * SORT_BLOCK..((b + 1) * SORT_BLOCK).min(n);
    let blocks = n.div_ceil(SORT_BLOCK);
    let pieces = split_lengths(&mut targets, (0..blocks).map(|b| span(block_rows(b))));
    let lens = split_lengths(&mut cursor, (0..blocks).map(|b| block_rows(b).len()));
    pieces.into_par_iter().zip(lens).enumerate().for_each(|(b, (t, l))| {
        let rows = block_rows(b);
        let base = offsets[rows.start];
        for (v, len) in rows.zip(l) {
            let row = &mut t[(offsets[v] - base) as usize..(offsets[v + 1] - base) as usize];
            row.sort_unstable();
            *len = dedup_sorted(row) as u32;
        }
    });

    // Compact rows leftwards (write position never passes read position) and rewrite offsets.
    let mut write = 0usize;
    for v in 0..n {
        let start = offsets[v] as usize;
        let len = cursor[v] as usize;
        offsets[v] = write as u32;
        targets.copy_within(start..start + len, write);
        write += len;
    }
    offsets[n] = write as u32;
    targets.truncate(write);
    // Large blocks shrink in place (mremap), so this does not double the peak.
    targets.shrink_to_fit();
    Csr { offsets, targets }
}

/// Which end of an undirected edge (a, b) a CSR entry is filed under.
#[derive(Clone, Copy)]
enum Side {
    /// Row a, value b.
    Source,
    /// Row b, value a.
    Target,
}

impl Side {
    #[inline]
    fn row(self, (a, b): (u32, u32)) -> u32 {
        match self {
            Side::Source => a,
            Side::Target => b,
        }
    }

    #[inline]
    fn other(self, (a, b): (u32, u32)) -> u32 {
        match self {
            Side::Source => b,
            Side::Target => a,
        }
    }
}

/// Split `slice` into consecutive pieces of the given lengths (which must fit).
fn split_lengths(mut slice: &mut [u32], lens: impl Iterator<Item = usize>) -> Vec<&mut [u32]> {
    lens.map(|len| {
        let (piece, rest) = std::mem::take(&mut slice).split_at_mut(len);
        slice = rest;
        piece
    })
    .collect()
}

/// Stable counting sort of `chunk` by `key` (< `keys`), through `scratch`; returns the `keys + 1`
/// bucket boundaries.
fn partition(
    chunk: &mut [(u32, u32)],
    scratch: &mut Vec<(u32, u32)>,
    keys: usize,
    key: impl Fn((u32, u32)) -> usize,
) -> Vec<u32> {
    let mut bounds = vec![0u32; keys + 1];
    for &e in chunk.iter() {
        bounds[key(e) + 1] += 1;
    }
    for k in 0..keys {
        bounds[k + 1] += bounds[k];
    }
    if keys > 1 {
        let mut next = bounds.clone();
        scratch.clear();
        scratch.resize(chunk.len(), (0, 0));
        for &e in chunk.iter() {
            let k = key(e);
            scratch[next[k] as usize] = e;
            next[k] += 1;
        }
        chunk.copy_from_slice(scratch);
    }
    bounds
}

/// Move the distinct values of a sorted slice to its front; returns how many there are.
#[inline]
fn dedup_sorted(row: &mut [u32]) -> usize {
    if row.is_empty() {
        return 0;
    }
    let mut kept = 1;
    for j in 1..row.len() {
        if row[j] != row[kept - 1] {
            row[kept] = row[j];
            kept += 1;
        }
    }
    kept
}

/// The two layers of ties every voter has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SocialGraph {
    /// Online ties (social media contacts, followers): local or global.
    pub online: Csr,
    /// Offline ties (family, housemates, neighbours, colleagues): always within the voter's place.
    pub offline: Csr,
}

impl SocialGraph {
    /// Heap bytes held by both layers.
    pub fn bytes(&self) -> usize {
        self.online.bytes() + self.offline.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn from_edges_symmetrises_dedups_and_drops_loops() {
        let g = Csr::from_undirected_edges(5, &[(0, 1), (1, 0), (2, 2), (3, 1), (0, 1), (4, 0)]);
        g.assert_valid(5);
        assert_eq!(g.neighbours(0), &[1, 4]);
        assert_eq!(g.neighbours(1), &[0, 3]);
        assert_eq!(g.neighbours(2), &[] as &[u32]);
        assert_eq!(g.entry_count(), 6);
        assert_eq!(Csr::from_undirected_edges(0, &[]).node_count(), 0);
        assert_eq!(Csr::default().node_count(), 0);
        assert_eq!(Csr::default().mean_degree(), 0.0);
    }

    #[test]
    fn from_edges_matches_a_sort_based_reference_across_several_ranges() {
        // Enough entries that the fill is split into many row ranges and input chunks.
        let n = 30_000u32;
        let mut rng = rand_pcg::Pcg64::seed_from_u64(99);
        let edges: Vec<(u32, u32)> =
            (0..150_000).map(|_| (rng.random_range(0..n), rng.random_range(0..n / 50))).collect();
        let g = Csr::from_undirected_edges(n as usize, &edges);
        g.assert_valid(n as usize);
        let mut reference: Vec<(u32, u32)> =
            edges.iter().filter(|(a, b)| a != b).flat_map(|&(a, b)| [(a, b), (b, a)]).collect();
        reference.sort_unstable();
        reference.dedup();
        let built: Vec<(u32, u32)> = (0..n).flat_map(|v| g.neighbours(v).iter().map(move |&u| (v, u))).collect();
        assert_eq!(built, reference);
    }

    #[test]
    fn complete_graph() {
        let g = Csr::complete(6);
        g.assert_valid(6);
        assert_eq!(g.entry_count(), 30);
        assert_eq!(g.mean_degree(), 5.0);
        Csr::complete(0).assert_valid(0);
        Csr::complete(1).assert_valid(1);
    }
}
