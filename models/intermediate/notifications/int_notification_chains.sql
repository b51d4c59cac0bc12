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
    -- walk each fallback message up its chain; chain_level caps accidental cycles
    select
        message_id,
        fallback_of as ancestor_id,
        1 as chain_level
    from fallbacks
    union all
    select
        ancestors.message_id,
        fallbacks.fallback_of as ancestor_id,
        ancestors.chain_level + 1 as chain_level
    from ancestors
    inner join fallbacks on ancestors.ancestor_id = fallbacks.message_id
    where ancestors.chain_level < 20
),

final as (
    -- the root is the top-most ancestor, even when that message itself has not arrived yet:
    -- the logical notification keeps its key when the root shows up later
    select
        message_id,
        {{ arg_max_of('ancestor_id', 'chain_level') }} as root_message_id,
        max(chain_level) as chain_depth
    from ancestors
    group by message_id
)

select * from final
