"""Chat conversations: a user writes, a bot and/or an operator answers (or nobody); some chats start proactive."""

from __future__ import annotations

import numpy as np
import pandas as pd

from orchestration.generator.day import DayContext, pick_per_company
from orchestration.generator.values import fmt_ts, nullable_int, seq_ids, within_group_cumsum, within_group_positions


def gen_chats(ctx: DayContext, rng: np.random.Generator) -> pd.DataFrame:
    w = ctx.world
    msgs_per_chat = 5.0
    ci, start = ctx.sample(rng, ctx.cfg["events_per_day"] * 0.2 / msgs_per_chat * ctx.weights * ctx.mix("chat"))
    cfgs = w.chat_configs[w.chat_configs["from"] <= ctx.di].reset_index(drop=True)
    ops = w.operators[(w.operators["from"] <= ctx.di) & (w.operators["until"] > ctx.di)].reset_index(drop=True)
    bots = w.bots[w.bots["from"] <= ctx.di].reset_index(drop=True)
    cfg_w = np.where(cfgs["is_test"], 0.05, 1.0) * np.where(cfgs["messenger"] == "alice", 0.3, 1.0)
    cfg_w = cfg_w * (1 + (cfgs["chat_config_id"].to_numpy() % 3))
    cfg_i = pick_per_company(rng, ci, ctx, cfgs, cfg_w)
    keep = cfg_i >= 0
    ci, start, cfg_i = ci[keep], start[keep], cfg_i[keep]
    op_i = pick_per_company(rng, ci, ctx, ops)
    bot_i = pick_per_company(rng, ci, ctx, bots)
    n = len(ci)
    messenger = cfgs["messenger"].to_numpy()[cfg_i].astype(object)
    alice = messenger == "alice"
    # Modes: 0 bot only, 1 operator only, 2 bot then operator, 3 no reply.
    mode = rng.choice(4, size=n, p=[0.35, 0.35, 0.2, 0.1])
    mode = np.where((op_i < 0) & np.isin(mode, [1, 2]), 0, mode)
    mode = np.where((bot_i < 0) & np.isin(mode, [0, 2]), np.where(op_i < 0, 3, 1), mode)
    mode = np.where(alice & (bot_i >= 0), 0, mode)
    proactive = (mode != 3) & ~alice & (rng.random(n) < 0.12)
    length = np.where(mode == 3, rng.integers(1, 3, size=n), 2 + np.minimum(rng.geometric(0.3, size=n) - 1, 28))
    handover = rng.integers(1, 4, size=n)
    chat = np.repeat(np.arange(n), length)
    pos = within_group_positions(length)
    responder_turn = np.where(proactive[chat], pos % 2 == 0, pos % 2 == 1) & (mode[chat] != 3)
    resp_k = pos // 2
    is_bot = responder_turn & ((mode[chat] == 0) | ((mode[chat] == 2) & (resp_k < handover[chat])))
    is_op = responder_turn & ~is_bot
    sender = np.where(is_bot, "bot", np.where(is_op, "operator", "user")).astype(object)
    m = len(chat)
    first_bot = np.zeros(m, dtype=bool)
    bot_rows = np.flatnonzero(is_bot)
    if len(bot_rows):
        _, first_idx = np.unique(chat[bot_rows], return_index=True)
        first_bot[bot_rows[first_idx]] = True
    first_op = np.zeros(m, dtype=bool)
    op_rows = np.flatnonzero(is_op)
    if len(op_rows):
        _, first_idx = np.unique(chat[op_rows], return_index=True)
        first_op[op_rows[first_idx]] = True
    gap = np.where(
        is_bot,
        rng.integers(300, 3_000, size=m),
        np.where(
            first_op,
            np.exp(rng.normal(np.log(90_000), 1.0, size=m)).astype(np.int64),
            np.where(is_op, rng.integers(10_000, 120_000, size=m), rng.integers(5_000, 300_000, size=m)),
        ),
    )
    gap[pos == 0] = 0
    sent = start[chat] + within_group_cumsum(gap, length)
    text_len = np.where(
        is_bot,
        rng.integers(20, 400, size=m),
        np.where(is_op, rng.integers(10, 300, size=m), np.exp(rng.normal(3.3, 0.9, size=m)).astype(int) + 1),
    )
    chat_ids = seq_ids(f"c-{ctx.tag}-", n)
    op_ids = ops["operator_id"].to_numpy()[np.maximum(op_i, 0)]
    bot_ids = bots["bot_id"].to_numpy()[np.maximum(bot_i, 0)]
    return pd.DataFrame(
        {
            "message_id": seq_ids(f"cm-{ctx.tag}-", m),
            "chat_id": chat_ids[chat],
            "company_id": ctx.cids[ci][chat],
            "chat_config_id": cfgs["chat_config_id"].to_numpy()[cfg_i][chat],
            "messenger": messenger[chat],
            "sender_type": sender,
            "operator_id": nullable_int(op_ids[chat], is_op),
            "bot_id": nullable_int(bot_ids[chat], is_bot),
            "is_first_bot_message": first_bot,
            "is_proactive": proactive[chat] & (pos == 0),
            "text_length": np.minimum(text_len, 4000),
            "sent_at": fmt_ts(sent),
            "_t": sent,
        }
    )
