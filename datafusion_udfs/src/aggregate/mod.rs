//! The aggregates of docs/aggregates.md, one file per aggregate. Each is an
//! `AggregateUDFImpl` over a `churnkit-core` state; none contains a rule of
//! its own.
//!
//! Every aggregate has one intermediate state column: `Binary`, holding the
//! core's versioned encoding of its state (format byte first), so partial
//! aggregates move between partitions, spills and distributed workers
//! unchanged. The summary aggregates (`engagement_agg`, `activity_agg`,
//! `survival_agg`) return those same bytes.
//!
//! `CoreAgg` says, per aggregate, how to read one input row into a core
//! state, how to merge an encoded state and how to finish; the generic
//! `CoreAccumulator` (one group) and `CoreGroupsAccumulator` (a `Vec` of
//! core states indexed by group) do the rest. Encoding happens only when
//! DataFusion asks for the intermediate state (`state()`) or when a summary is
//! emitted (`evaluate()`), never per row.

pub mod activity_agg;
pub mod activity_trend;
pub mod engagement_agg;
pub mod retention;
pub mod retention_counts;
pub mod survival_agg;
pub mod window_funnel;

pub use activity_agg::{ActivityAggFunc, CohortStartFunc, IsActiveFunc, LifecycleStateFunc};
pub use activity_trend::ActivityTrendFunc;
pub use engagement_agg::{
    ActiveDaysFunc, ActiveMinutesFunc, EngagementAggFunc, KeyActionsFunc, LastActiveAtFunc,
};
pub use retention::RetentionFunc;
pub use retention_counts::RetentionCountsFunc;
pub use survival_agg::{
    survival_curve_type, MedianLifetimeFunc, SurvivalAggFunc, SurvivalAtFunc, SurvivalCurveFunc,
};
pub use window_funnel::WindowFunnelFunc;

use std::fmt::Debug;
use std::marker::PhantomData;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayAccessor, ArrayRef, BinaryBuilder, BooleanArray, ListArray,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::cast::{as_binary_array, as_boolean_array};
use datafusion::common::{internal_datafusion_err, not_impl_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::expr::{AggregateFunction, AggregateFunctionParams};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::simplify::SimplifyContext;
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::Expr;
use datafusion::logical_expr::{Accumulator, EmitTo, GroupsAccumulator};

use churnkit_core::agg::alloc::prefetch;
use churnkit_core::agg::State;

use crate::common::exec_err;

/// How one aggregate maps onto its core state.
pub(crate) trait CoreAgg: 'static {
    /// SQL name (for error messages).
    const NAME: &'static str;
    /// The core state of one group: merging, encoding, emptiness and heap
    /// size are core's ([`State`]).
    type State: State + Default + Debug + Send + Sync;
    /// Parsed parameters (granularity, mode, window ...) kept across
    /// batches: a run of rows with the same parameter text is parsed once.
    type Cache: Default + Debug + Send + Sync;
    /// The typed input arrays of one batch.
    type Input<'a>;

    /// Downcast the (coerced) argument arrays of a batch.
    fn input(values: &[ArrayRef]) -> Result<Self::Input<'_>>;

    /// Add row `row` to `state` (rows whose NULLs mean "skip" are skipped here).
    fn update(
        input: &Self::Input<'_>,
        row: usize,
        cache: &mut Self::Cache,
        state: &mut Self::State,
    ) -> Result<()>;

    /// The final values of `states`, one row each, in order; by default the
    /// states' encodings (a summary aggregate), NULL for a group without rows.
    fn evaluate(states: &mut [Self::State]) -> Result<ArrayRef> {
        Ok(encoded_results(states))
    }
}

/// The value of `array` at `row`; `None` when it is NULL.
#[inline(always)]
pub(crate) fn at<A: ArrayAccessor + Copy>(array: A, row: usize) -> Option<A::Item> {
    if array.is_null(row) {
        None
    } else {
        Some(array.value(row))
    }
}

/// The single intermediate state column of every churnkit aggregate.
pub(crate) fn state_fields(name: &str) -> Vec<FieldRef> {
    vec![Arc::new(Field::new(
        format_state_name(name, "state"),
        DataType::Binary,
        true,
    ))]
}

fn check_args(name: &str, args: &AccumulatorArgs) -> Result<()> {
    if args.is_distinct {
        return not_impl_err!("{name}(DISTINCT ...) is not supported");
    }
    Ok(())
}

/// `Accumulator` of one group (no GROUP BY, window functions).
pub(crate) fn accumulator<A: CoreAgg>(args: &AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
    check_args(A::NAME, args)?;
    Ok(Box::new(CoreAccumulator::<A> {
        state: A::State::default(),
        cache: A::Cache::default(),
        buf: Vec::new(),
        _agg: PhantomData,
    }))
}

/// `GroupsAccumulator` over every group of a GROUP BY.
pub(crate) fn groups_accumulator<A: CoreAgg>(
    args: &AccumulatorArgs,
) -> Result<Box<dyn GroupsAccumulator>> {
    check_args(A::NAME, args)?;
    Ok(Box::new(CoreGroupsAccumulator::<A> {
        states: Vec::new(),
        cache: A::Cache::default(),
        heap: 0,
        buf: Vec::new(),
        _agg: PhantomData,
    }))
}

/// An aggregate's struct, `Default`/`new` and its whole `AggregateUDFImpl`
/// from a declaration: name, accepted arities, declared parameters
/// ([`Param`](crate::common::Param)), result type and any further methods
/// (`extra: { ... }`). The accumulators are the generic ones over the
/// aggregate's [`CoreAgg`] implementation.
///
/// ```text
/// aggregate_udf! {
///     pub struct SurvivalAggFunc;
///     name: "survival_agg",
///     arities: &[2],
///     params: &[Param::f64("tenure_days"), Param::boolean("churned")],
///     return_type: DataType::Binary,
///     // optional: a coercion of its own (default: of `arities` and `params`)
///     coerce: |arg_types| { ... },
///     // optional: the `CoreAgg` implementation, declared
///     state: SurvivalSummary,
///     cache: (),
///     input<'a>: (&'a Float64Array, &'a BooleanArray) =
///         |values| Ok((as_float64_array(&values[0])?, as_boolean_array(&values[1])?)),
///     update: |&(tenure, churned), row, _cache, state| {
///         let Some(tenure) = at(tenure, row) else { return Ok(()) };
///         state.update(tenure, at(churned, row)).map_err(exec_err)
///     },
///     // optional: the final values (default: the states' encodings)
///     evaluate: |states| { ... },
/// }
/// ```
macro_rules! aggregate_udf {
    // the declared parameters' coercion, or the aggregate's own
    (@coerce $name:expr, $types:ident, $arities:expr, $params:expr) => {
        $crate::common::coerce_args($name, $types, $arities, $params)
    };
    (@coerce $name:expr, $types:ident, $arities:expr, $params:expr, |$ct:ident| $coerce:expr) => {{
        let $ct = $types;
        $coerce
    }};
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident;
        name: $name:expr,
        arities: $arities:expr,
        params: $params:expr,
        return_type: $ret:expr,
        $(coerce: |$ct:ident| $coerce:expr,)?
        $(extra: { $($extra:tt)* },)?
        state: $state_ty:ty,
        cache: $cache_ty:ty,
        input<$lt:lifetime>: $input_ty:ty = |$values:ident| $input:expr,
        update: |$row_input:pat, $row:ident, $cache:pat, $state:ident| $update:block,
        $(evaluate: |$states:ident| $evaluate:block,)?
    ) => {
        $crate::udf::udf_struct! {
            $(#[$meta])*
            $vis struct $ty;
        }

        impl datafusion::logical_expr::AggregateUDFImpl for $ty {
            $crate::udf::udf_methods!(
                $name,
                |arg_types| $crate::aggregate::aggregate_udf!(
                    @coerce $name, arg_types, $arities, $params $(, |$ct| $coerce)?
                ),
                $ret
            );

            fn accumulator(
                &self,
                args: datafusion::logical_expr::function::AccumulatorArgs,
            ) -> datafusion::common::Result<Box<dyn datafusion::logical_expr::Accumulator>> {
                $crate::aggregate::accumulator::<Self>(&args)
            }

            fn state_fields(
                &self,
                args: datafusion::logical_expr::function::StateFieldsArgs,
            ) -> datafusion::common::Result<Vec<datafusion::arrow::datatypes::FieldRef>> {
                Ok($crate::aggregate::state_fields(args.name))
            }

            fn groups_accumulator_supported(
                &self,
                args: datafusion::logical_expr::function::AccumulatorArgs,
            ) -> bool {
                !args.is_distinct
            }

            fn create_groups_accumulator(
                &self,
                args: datafusion::logical_expr::function::AccumulatorArgs,
            ) -> datafusion::common::Result<Box<dyn datafusion::logical_expr::GroupsAccumulator>> {
                $crate::aggregate::groups_accumulator::<Self>(&args)
            }

            /// The result does not depend on the order of the rows.
            fn order_sensitivity(&self) -> datafusion::logical_expr::utils::AggregateOrderSensitivity {
                datafusion::logical_expr::utils::AggregateOrderSensitivity::Insensitive
            }

            $($($extra)*)?
        }

        impl $crate::aggregate::CoreAgg for $ty {
            const NAME: &'static str = $name;
            type State = $state_ty;
            type Cache = $cache_ty;
            type Input<$lt> = $input_ty;

            fn input<$lt>(
                $values: &$lt [datafusion::arrow::array::ArrayRef],
            ) -> datafusion::common::Result<Self::Input<$lt>> {
                $input
            }

            #[inline]
            fn update(
                input: &Self::Input<'_>,
                $row: usize,
                $cache: &mut Self::Cache,
                $state: &mut Self::State,
            ) -> datafusion::common::Result<()> {
                let $row_input = input;
                $update
            }

            $(
                fn evaluate(
                    $states: &mut [Self::State],
                ) -> datafusion::common::Result<datafusion::arrow::array::ArrayRef> {
                    $evaluate
                }
            )?
        }
    };
}
pub(crate) use aggregate_udf;

struct CoreAccumulator<A: CoreAgg> {
    state: A::State,
    cache: A::Cache,
    buf: Vec<u8>,
    _agg: PhantomData<fn() -> A>,
}

impl<A: CoreAgg> Debug for CoreAccumulator<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(A::NAME).field("state", &self.state).finish()
    }
}

impl<A: CoreAgg> Accumulator for CoreAccumulator<A> {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let rows = values.first().map_or(0, |v| v.len());
        let input = A::input(values)?;
        for row in 0..rows {
            A::update(&input, row, &mut self.cache, &mut self.state)?;
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let encoded = state_array(A::NAME, states)?;
        for row in 0..encoded.len() {
            if encoded.is_valid(row) {
                merge_encoded(&mut self.state, encoded.value(row))?;
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let bytes = encode(&self.state, &mut self.buf).then(|| self.buf.clone());
        Ok(vec![ScalarValue::Binary(bytes)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        // not resetting: a window function evaluates after every row
        let array = A::evaluate(std::slice::from_mut(&mut self.state))?;
        ScalarValue::try_from_array(&array, 0)
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.state.heap_size() + self.buf.capacity()
    }
}

struct CoreGroupsAccumulator<A: CoreAgg> {
    /// The state of group `g` is `states[g]`.
    states: Vec<A::State>,
    cache: A::Cache,
    /// Sum of [`State::heap_size`] over `states`, maintained incrementally.
    heap: usize,
    /// Scratch buffer for encoding, reused for every group.
    buf: Vec<u8>,
    _agg: PhantomData<fn() -> A>,
}

impl<A: CoreAgg> CoreGroupsAccumulator<A> {
    fn ensure_groups(&mut self, total_num_groups: usize) {
        if self.states.len() < total_num_groups {
            self.states.resize_with(total_num_groups, A::State::default);
        }
    }

    /// Remove the groups to emit, keeping the heap count right.
    fn take(&mut self, emit_to: EmitTo) -> Vec<A::State> {
        let taken = emit_to.take_needed(&mut self.states);
        let freed: usize = taken.iter().map(State::heap_size).sum();
        self.heap = self.heap.saturating_sub(freed);
        taken
    }
}

/// How many rows ahead `update_batch` asks for a group's state: about one
/// memory latency of rows (a row costs ~10 ns when its state is cached).
const PREFETCH_ROWS: usize = 16;

/// The row selection of a FILTER clause: a row counts when the filter is true
/// (NULL counts as false).
#[inline]
fn selected(filter: &BooleanArray, row: usize) -> bool {
    filter.is_valid(row) && filter.value(row)
}

impl<A: CoreAgg> GroupsAccumulator for CoreGroupsAccumulator<A> {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.ensure_groups(total_num_groups);
        let input = A::input(values)?;
        let mut grown = 0usize;
        let states = &mut self.states;
        for (row, &group) in group_indices.iter().enumerate() {
            // Rows of interleaved groups (a table in time order, or in no
            // order) find their state out of cache: ask for the state of the
            // row PREFETCH_ROWS ahead, and for the heap memory of the one half
            // as far ahead (its state has arrived by then), so that the waits
            // overlap instead of adding up.
            if let Some(ahead) = group_indices
                .get(row + PREFETCH_ROWS)
                .and_then(|&g| states.get(g))
            {
                prefetch(ahead);
            }
            if let Some(near) = group_indices
                .get(row + PREFETCH_ROWS / 2)
                .and_then(|&g| states.get(g))
            {
                near.prefetch_heap();
            }
            if opt_filter.is_some_and(|f| !selected(f, row)) {
                continue;
            }
            let state = &mut states[group];
            let before = state.heap_size();
            let result = A::update(&input, row, &mut self.cache, state);
            grown += state.heap_size().saturating_sub(before);
            if let Err(e) = result {
                self.heap += grown;
                return Err(e);
            }
        }
        self.heap += grown;
        Ok(())
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.ensure_groups(total_num_groups);
        let encoded = state_array(A::NAME, values)?;
        for (row, &group) in group_indices.iter().enumerate() {
            if encoded.is_valid(row) {
                let state = &mut self.states[group];
                let before = state.heap_size();
                merge_encoded(state, encoded.value(row))?;
                self.heap += state.heap_size().saturating_sub(before);
            }
        }
        Ok(())
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let mut states = self.take(emit_to);
        A::evaluate(&mut states)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let states = self.take(emit_to);
        let mut out = BinaryBuilder::with_capacity(states.len(), 0);
        for s in &states {
            if encode(s, &mut self.buf) {
                out.append_value(&self.buf);
            } else {
                out.append_null();
            }
        }
        Ok(vec![Arc::new(out.finish())])
    }

    /// Each row as its own group (DataFusion skips partial aggregation when
    /// it does not reduce the rows): one encoded state per row, NULL for rows
    /// the FILTER clause drops.
    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let rows = values.first().map_or(0, |v| v.len());
        let input = A::input(values)?;
        let mut cache = A::Cache::default();
        let mut buf = Vec::new();
        let mut out = BinaryBuilder::with_capacity(rows, 0);
        for row in 0..rows {
            if opt_filter.is_some_and(|f| !selected(f, row)) {
                out.append_null();
                continue;
            }
            let mut state = A::State::default();
            A::update(&input, row, &mut cache, &mut state)?;
            if encode(&state, &mut buf) {
                out.append_value(&buf);
            } else {
                out.append_null();
            }
        }
        Ok(vec![Arc::new(out.finish())])
    }

    fn size(&self) -> usize {
        self.states.capacity() * size_of::<A::State>()
            + self.heap
            + self.buf.capacity()
            + size_of::<Self>()
    }
}

/// Merge an encoded intermediate state into `state` (core's rule, errors
/// as DataFusion errors).
#[inline]
fn merge_encoded<S: State>(state: &mut S, encoded: &[u8]) -> Result<()> {
    state.merge_encoded(encoded).map_err(exec_err)
}

/// Encode `state` into `buf`; `false` = the state is empty (emitted as a
/// NULL state).
#[inline]
fn encode<S: State>(state: &S, buf: &mut Vec<u8>) -> bool {
    if state.is_empty() {
        return false;
    }
    state.encode_into(buf);
    true
}

fn state_array<'a>(
    name: &str,
    states: &'a [ArrayRef],
) -> Result<&'a datafusion::arrow::array::BinaryArray> {
    let first = states
        .first()
        .ok_or_else(|| internal_datafusion_err!("{name}: missing state column"))?;
    as_binary_array(first)
}

// ---------------------------------------------------------------------------
// helpers shared by the aggregates
// ---------------------------------------------------------------------------

/// The encoded states as a `Binary` result (the summary aggregates return
/// their state): NULL for an empty group.
pub(crate) fn encoded_results<S: State>(states: &[S]) -> ArrayRef {
    let mut out = BinaryBuilder::with_capacity(states.len(), 0);
    let mut buf = Vec::new();
    for s in states {
        if encode(s, &mut buf) {
            out.append_value(&buf);
        } else {
            out.append_null();
        }
    }
    Arc::new(out.finish())
}

/// The boolean-array argument of an aggregate (conditions, funnel steps),
/// read without allocating per row, in one of two forms:
/// * `List`: a `List<Boolean>` column; row `i` is the slice
///   `offsets[i]..offsets[i + 1]` of one `BooleanArray`;
/// * `Flat`: one `Boolean` column per element — what the optimizer makes of
///   `make_array(b1, …, bn)` / `ARRAY[b1, …, bn]` of boolean expressions
///   ([`bool_array_elements`]), so the array is never built (building it
///   was about half of a funnel's time).
pub(crate) enum BoolLists<'a> {
    List {
        list: &'a ListArray,
        values: &'a BooleanArray,
    },
    Flat(Vec<&'a BooleanArray>),
}

/// The elements of one row of [`BoolLists`].
pub(crate) enum BoolRow<'a> {
    List {
        values: &'a BooleanArray,
        range: std::ops::Range<usize>,
    },
    Flat {
        columns: std::slice::Iter<'a, &'a BooleanArray>,
        row: usize,
    },
}

impl Iterator for BoolRow<'_> {
    type Item = Option<bool>;

    #[inline]
    fn next(&mut self) -> Option<Option<bool>> {
        match self {
            BoolRow::List { values, range } => range.next().map(|j| at(*values, j)),
            BoolRow::Flat { columns, row } => columns.next().map(|c| at(*c, *row)),
        }
    }
}

impl<'a> BoolLists<'a> {
    /// The `List<Boolean>` argument `array`.
    pub(crate) fn new(name: &str, array: &'a ArrayRef) -> Result<Self> {
        let list = array.as_any().downcast_ref::<ListArray>().ok_or_else(|| {
            internal_datafusion_err!(
                "{name}: expected a List<Boolean> argument after coercion, got {}",
                array.data_type()
            )
        })?;
        let values = as_boolean_array(list.values())?;
        Ok(BoolLists::List { list, values })
    }

    /// The flat form: every one of `columns` is `Boolean`.
    pub(crate) fn flat(name: &str, columns: &'a [ArrayRef]) -> Result<Self> {
        if columns.is_empty() {
            return Err(internal_datafusion_err!("{name}: no boolean columns"));
        }
        Ok(BoolLists::Flat(
            columns
                .iter()
                .map(|c| as_boolean_array(c))
                .collect::<Result<_>>()?,
        ))
    }

    /// The elements of row `i` (NULL elements as `None`) and their number;
    /// `None` when the list itself is NULL.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> Option<(BoolRow<'_>, usize)> {
        match self {
            BoolLists::List { list, values } => {
                if list.is_null(i) {
                    return None;
                }
                let offsets = list.value_offsets();
                let (start, end) = (offsets[i] as usize, offsets[i + 1] as usize);
                Some((
                    BoolRow::List {
                        values,
                        range: start..end,
                    },
                    end - start,
                ))
            }
            BoolLists::Flat(columns) => Some((
                BoolRow::Flat {
                    columns: columns.iter(),
                    row: i,
                },
                columns.len(),
            )),
        }
    }
}

/// The elements of `expr` when it is `make_array(b1, …, bn)` of 1 to 32
/// `Boolean` expressions (an SQL `ARRAY[...]` of conditions), for an
/// aggregate's `simplify` to pass them as columns ([`BoolLists::Flat`]);
/// `None` for anything else (which keeps the array form and its errors).
pub(crate) fn bool_array_elements(
    expr: &Expr,
    info: &SimplifyContext,
) -> Result<Option<Vec<Expr>>> {
    let Expr::ScalarFunction(f) = expr else {
        return Ok(None);
    };
    if f.func.name() != "make_array" || f.args.is_empty() || f.args.len() > 32 {
        return Ok(None);
    }
    for a in &f.args {
        if info.get_data_type(a)? != DataType::Boolean {
            return Ok(None);
        }
    }
    Ok(Some(f.args.clone()))
}

/// The argument types of the flat form `simplify` makes of an array of
/// boolean expressions: `fixed` as coerced by `params`, then 1 to 32
/// `Boolean`s; `None` when `types` do not have that shape. The optimizer
/// derives the types of a rewritten call again, so the coercion must accept
/// its flat form.
pub(crate) fn coerce_flat(
    function: &str,
    types: &[DataType],
    params: &[crate::common::Param],
) -> Option<Result<Vec<DataType>>> {
    let n = params.len();
    let bools = types.get(n..)?;
    if bools.is_empty() || bools.len() > 32 || bools.iter().any(|t| *t != DataType::Boolean) {
        return None;
    }
    Some(
        crate::common::coerce_args(function, &types[..n], &[n], params).map(|mut fixed| {
            fixed.extend_from_slice(bools);
            fixed
        }),
    )
}

/// `agg` with the arguments `args` instead of its own (same function,
/// DISTINCT, FILTER, ORDER BY).
pub(crate) fn with_args(agg: AggregateFunction, args: Vec<Expr>) -> Expr {
    Expr::AggregateFunction(AggregateFunction {
        func: agg.func,
        params: AggregateFunctionParams { args, ..agg.params },
    })
}

/// A list argument of booleans (`List`, `LargeList`, `FixedSizeList` of
/// `Boolean` or NULLs), or NULL -> `List<Boolean>`.
pub(crate) fn coerce_bool_list(function: &str, argument: &str, t: &DataType) -> Result<DataType> {
    let element = match t {
        DataType::Null => return Ok(bool_list_type()),
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => f.data_type(),
        _ => {
            return plan_err!(
                "{function}: argument {argument} must be an array of booleans, got {t}"
            )
        }
    };
    match element {
        DataType::Boolean | DataType::Null => Ok(bool_list_type()),
        _ => plan_err!("{function}: argument {argument} must be an array of booleans, got {t}"),
    }
}

/// `List<Boolean>` with nullable elements (the `boolean[]` of Postgres).
pub(crate) fn bool_list_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Boolean, true)))
}
