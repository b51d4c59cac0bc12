with recursive

fallbacks as (
    -- messages that replace another one after its channel failed
    select
        message_id,
        fallback_of
    from {{ ref('stg_platform__notifications') }}
    where fallback_of is not null and fallback_of <> message_id
),

ancestors as (
    -- walk each fallback message up its chain; depth caps accidental cycles
    select
        message_id,
        fallback_of as ancestor_id,
        1 as depth
    from fallbacks
    union all
    select
        ancestors.message_id,
        fallbacks.fallback_of as ancestor_id,
        ancestors.depth + 1 as depth
    from ancestors
    inner join fallbacks on ancestors.ancestor_id = fallbacks.message_id
    where ancestors.depth < 20
),

final as (
    -- the root is the top-most ancestor, even when that message itself has not arrived yet:
    -- the logical notification keeps its key when the root shows up later
    select
        message_id,
        arg_max(ancestor_id, depth) as root_message_id,
        max(depth) as chain_depth
    from ancestors
    group by message_id
)

select * from final
