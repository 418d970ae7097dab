// ccxt's binanceusdm (USD-M futures) against Arbitrage.Simulator, with only its base URLs changed.
//
//   node ccxt-check.mjs --base http://127.0.0.1:PORT --key KEY --secret SECRET [--symbol BTCUSDT]
//                       [--funding-symbol ETHUSDT] [--client-prefix P] [--timeout-ms 15000]
//
// Start the simulator paused (--start manual) after part of the tape has played: the REST checks read a
// still market, then the stream checks subscribe and start the tape. Orders carry client ids P+m (market),
// P+l (limit), P+s (stop), P+w and P+b (placed while watching orders / balance).
//
// Prints one JSON object per line: {"check":NAME,"ok":true|false,...values or "error"}, then a
// {"check":"requests",...} line listing every REST path ccxt called; exits 1 if any check failed.
// The stream checks drive the simulator's tape through its control endpoint (POST /sim/control/play),
// the only request not made by ccxt.
import ccxt from 'ccxt';

function parseArgs(argv) {
    const out = { symbol: 'BTCUSDT', fundingSymbol: undefined, timeoutMs: 15000, clientPrefix: `ccxt${Date.now()}` };
    for (let i = 0; i < argv.length; i++) {
        const [k, v] = [argv[i], argv[i + 1]];
        switch (k) {
            case '--base': out.base = v; i++; break;
            case '--key': out.key = v; i++; break;
            case '--secret': out.secret = v; i++; break;
            case '--symbol': out.symbol = v; i++; break;
            case '--funding-symbol': out.fundingSymbol = v; i++; break;
            case '--timeout-ms': out.timeoutMs = Number(v); i++; break;
            case '--client-prefix': out.clientPrefix = v; i++; break;
            default: throw new Error(`unknown argument ${k}`);
        }
    }
    out.base ??= process.env.SIM_BASE_URL;
    out.key ??= process.env.SIM_API_KEY;
    out.secret ??= process.env.SIM_API_SECRET;
    if (!out.base || !out.key || !out.secret) throw new Error('usage: --base URL --key KEY --secret SECRET (or SIM_BASE_URL/SIM_API_KEY/SIM_API_SECRET)');
    out.base = out.base.replace(/\/+$/, '');
    return out;
}

const args = parseArgs(process.argv.slice(2));
const http = args.base;
const ws = http.replace(/^http/, 'ws');

/** Every REST URL ccxt's binance classes know, pointed at the simulator (same paths as Binance). */
function simulatorUrls(exchange) {
    const api = {};
    for (const [name, url] of Object.entries(exchange.urls.api)) {
        if (typeof url !== 'string') continue;
        api[name] = http + new URL(url).pathname;
    }
    api.ws = {
        ...exchange.urls.api.ws,
        future: ws + '/ws',
        'ws-api': { ...exchange.urls.api.ws['ws-api'], future: ws + '/ws-fapi/v1' },
    };
    return { ...exchange.urls, api };
}

const exchange = new ccxt.pro.binanceusdm({
    apiKey: args.key,
    secret: args.secret,
    enableRateLimit: false,
    timeout: args.timeoutMs,
    options: {
        fetchMarkets: ['linear'],      // exchangeInfo of /fapi only (no spot, no inverse)
        fetchCurrencies: false,        // no /sapi/v1/capital/config/getall
        adjustForTimeDifference: false,
        warnOnFetchOpenOrdersWithoutSymbol: false,
    },
});
exchange.urls = simulatorUrls(exchange);
// ccxt (Node) opens plain ws:// URLs only through an http agent it loads on request.
await exchange.loadHttpProxyAgent();

// Request log: every REST call ccxt makes (method + path without the query).
const requests = [];
const originalFetch = exchange.fetch.bind(exchange);
exchange.fetch = async (url, method = 'GET', headers = undefined, body = undefined) => {
    const u = new URL(url);
    const entry = { method, path: u.pathname };
    requests.push(entry);
    try {
        return await originalFetch(url, method, headers, body);
    } catch (e) {
        entry.error = String(e.message ?? e).slice(0, 300);
        throw e;
    }
};

let failures = 0;
const results = {};
function emit(obj) {
    process.stdout.write(JSON.stringify(obj) + '\n');
}
async function check(name, fn) {
    try {
        const value = await fn();
        results[name] = value;
        emit({ check: name, ok: true, ...value });
        return value;
    } catch (e) {
        failures++;
        emit({ check: name, ok: false, error: `${e?.constructor?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 500)}` });
        return undefined;
    }
}
function assert(cond, msg) {
    if (!cond) throw new Error(msg);
}
function withTimeout(promise, ms, what) {
    let t;
    return Promise.race([promise, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms); })])
        .finally(() => clearTimeout(t));
}
async function control(path) {
    const r = await fetch(`${http}/sim/control/${path}`, { method: 'POST' });
    assert(r.ok, `control ${path}: HTTP ${r.status}`);
    return r.json();
}

let symbol; // unified, e.g. BTC/USDT:USDT
const clientId = args.clientPrefix;
let marketOrderId;
let limitOrderId;

await check('loadMarkets', async () => {
    const markets = await exchange.loadMarkets();
    const m = Object.values(markets).find(x => x.id === args.symbol);
    assert(m, `${args.symbol} not among ${Object.keys(markets).join(',')}`);
    assert(m.swap && m.linear && m.settle === 'USDT', `${m.symbol} is not a linear USDT swap`);
    symbol = m.symbol;
    return { symbol: m.symbol, id: m.id, markets: Object.keys(markets).length, pricePrecision: m.precision.price, amountPrecision: m.precision.amount, minAmount: m.limits.amount.min, minCost: m.limits.cost.min };
});

await check('fetchTime', async () => {
    const t = await exchange.fetchTime();
    assert(Math.abs(t - Date.now()) < 60_000, `server time ${t} far from local ${Date.now()}`);
    return { serverTime: t };
});

const book = await check('fetchOrderBook', async () => {
    const ob = await exchange.fetchOrderBook(symbol, 5);
    assert(ob.bids.length > 0 && ob.asks.length > 0, 'empty book');
    assert(ob.bids[0][0] < ob.asks[0][0], `crossed book ${ob.bids[0][0]} >= ${ob.asks[0][0]}`);
    return { nonce: ob.nonce, timestamp: ob.timestamp, bids: ob.bids, asks: ob.asks };
});

await check('fetchTrades', async () => {
    const trades = await exchange.fetchTrades(symbol, undefined, 10);
    assert(trades.length === 10, `got ${trades.length} trades`);
    for (let i = 1; i < trades.length; i++) assert(trades[i].timestamp >= trades[i - 1].timestamp, 'trades not in time order');
    return { count: trades.length, trades: trades.map(t => ({ id: t.id, price: t.price, amount: t.amount, timestamp: t.timestamp, side: t.side })) };
});

await check('fetchFundingRate', async () => {
    const f = await exchange.fetchFundingRate(symbol);
    assert(typeof f.markPrice === 'number' && f.markPrice > 0, `markPrice ${f.markPrice}`);
    assert(typeof f.fundingRate === 'number', `fundingRate ${f.fundingRate}`);
    return { markPrice: f.markPrice, indexPrice: f.indexPrice, fundingRate: f.fundingRate, fundingTimestamp: f.fundingTimestamp, timestamp: f.timestamp };
});

if (args.fundingSymbol) {
    await check('fetchFundingRateHistory', async () => {
        const fs = exchange.market(args.fundingSymbol).symbol;
        const h = await exchange.fetchFundingRateHistory(fs, undefined, 5);
        assert(h.length === 5, `got ${h.length} records`);
        return { symbol: fs, rates: h.map(r => ({ fundingRate: r.fundingRate, timestamp: r.timestamp })) };
    });
}

await check('fetchBalance', async () => {
    const b = await exchange.fetchBalance();
    assert(b.USDT && b.USDT.total > 0, `USDT ${JSON.stringify(b.USDT)}`);
    return { USDT: b.USDT };
});

await check('createMarketOrder', async () => {
    const o = await exchange.createOrder(symbol, 'market', 'buy', 0.01, undefined, { clientOrderId: clientId + 'm' });
    assert(o.clientOrderId === clientId + 'm', `clientOrderId ${o.clientOrderId}`);
    assert(o.status === 'closed' && o.filled === 0.01, `status ${o.status} filled ${o.filled}`);
    marketOrderId = o.id;
    return { id: o.id, clientOrderId: o.clientOrderId, status: o.status, filled: o.filled, average: o.average, type: o.type, side: o.side };
});

await check('fetchOrder', async () => {
    const o = await exchange.fetchOrder(marketOrderId, symbol);
    assert(o.id === marketOrderId && o.status === 'closed', `order ${o.id} ${o.status}`);
    const byClient = await exchange.fetchOrder(undefined, symbol, { clientOrderId: clientId + 'm' });
    assert(byClient.id === marketOrderId, `by clientOrderId: ${byClient.id}`);
    return { id: o.id, status: o.status, filled: o.filled, average: o.average, byClientOrderId: byClient.id };
});

await check('fetchPositions', async () => {
    const ps = await exchange.fetchPositions([symbol]);
    const p = ps.find(x => x.symbol === symbol);
    assert(p && p.contracts === 0.01 && p.side === 'long', `position ${JSON.stringify(p && { contracts: p.contracts, side: p.side })}`);
    return { symbol: p.symbol, side: p.side, contracts: p.contracts, entryPrice: p.entryPrice, markPrice: p.markPrice, leverage: p.leverage, marginMode: p.marginMode };
});

await check('createLimitOrder', async () => {
    const bid = book?.bids?.[0]?.[0];
    assert(bid, 'no bid from fetchOrderBook');
    const price = Number(exchange.priceToPrecision(symbol, bid * 0.9));
    const o = await exchange.createOrder(symbol, 'limit', 'buy', 0.01, price, { clientOrderId: clientId + 'l', timeInForce: 'GTC' });
    assert(o.status === 'open' && o.price === price, `status ${o.status} price ${o.price}`);
    limitOrderId = o.id;
    return { id: o.id, clientOrderId: o.clientOrderId, status: o.status, price: o.price, amount: o.amount };
});

await check('createStopOrder', async () => {
    const bid = book?.bids?.[0]?.[0];
    const trigger = Number(exchange.priceToPrecision(symbol, bid * 0.8));
    const o = await exchange.createOrder(symbol, 'market', 'sell', 0.01, undefined, { triggerPrice: trigger, reduceOnly: true, clientOrderId: clientId + 's' });
    assert(o.triggerPrice === trigger, `triggerPrice ${o.triggerPrice}`);
    return { id: o.id, clientOrderId: o.clientOrderId, status: o.status, type: o.type, triggerPrice: o.triggerPrice };
});

await check('fetchOpenOrders', async () => {
    const os = await exchange.fetchOpenOrders(symbol);
    assert(os.some(o => o.id === limitOrderId), `limit order ${limitOrderId} not open: ${os.map(o => o.id)}`);
    return { ids: os.map(o => o.id), clientOrderIds: os.map(o => o.clientOrderId) };
});

await check('cancelOrder', async () => {
    const o = await exchange.cancelOrder(limitOrderId, symbol);
    assert(o.status === 'canceled', `status ${o.status}`);
    const after = await exchange.fetchOpenOrders(symbol);
    assert(!after.some(x => x.id === limitOrderId), 'still open after cancel');
    return { id: o.id, status: o.status };
});

// ---- streams (ccxt.pro) ----

async function waitForListenKey() {
    while (!exchange.options?.future?.listenKey) await new Promise(r => setTimeout(r, 20));
}
// Waits until the simulator reports the subscription (GET /sim/state), so nothing is published before it is in place.
async function untilState(what, predicate) {
    let last;
    const poll = async () => {
        for (;;) {
            const r = await fetch(`${http}/sim/state`);
            last = r.ok ? await r.json() : { status: r.status };
            if (r.ok && predicate(last)) return;
            await new Promise(res => setTimeout(res, 20));
        }
    };
    try {
        await withTimeout(poll(), args.timeoutMs, what);
    } catch (e) {
        throw new Error(`${e.message}; last /sim/state: ${JSON.stringify(last)}`);
    }
}

await check('watchOrders', async () => {
    const pending = exchange.watchOrders(symbol); // POST /fapi/v1/listenKey, then /private/ws?listenKey=
    await withTimeout(waitForListenKey(), 10_000, 'listenKey');
    await untilState('user-data connection at the simulator', st => st.userDataSessions > 0);
    const placed = await exchange.createOrder(symbol, 'market', 'sell', 0.01, undefined, { clientOrderId: clientId + 'w', reduceOnly: true });
    // The simulator sends NEW, then TRADE (FILLED): follow the stream until this order is closed.
    let orders = await withTimeout(pending, args.timeoutMs, 'watchOrders');
    let o = orders.find(x => x.clientOrderId === clientId + 'w');
    for (let i = 0; i < 5 && o?.status !== 'closed'; i++) {
        orders = await withTimeout(exchange.watchOrders(symbol), args.timeoutMs, 'watchOrders (next update)');
        o = orders.find(x => x.clientOrderId === clientId + 'w') ?? o;
    }
    assert(o && o.id === placed.id, `no update for ${clientId}w among ${orders.map(x => x.clientOrderId)}`);
    return { id: o.id, status: o.status, clientOrderId: o.clientOrderId, filled: o.filled, updates: orders.length };
});

await check('watchBalance', async () => {
    const before = results.fetchBalance?.USDT?.total;
    const pending = exchange.watchBalance(); // same listenKey connection: ACCOUNT_UPDATE
    await untilState('user-data connection at the simulator', st => st.userDataSessions > 0);
    await exchange.createOrder(symbol, 'market', 'buy', 0.01, undefined, { clientOrderId: clientId + 'b' });
    // The previous check's fill also sends an ACCOUNT_UPDATE (after its ORDER_TRADE_UPDATE): the first update seen
    // here may be that one. Follow the stream, re-watching before anything else runs, until it shows the wallet
    // REST reports after this fill.
    let b = await withTimeout(pending, args.timeoutMs, 'watchBalance');
    let next = exchange.watchBalance();
    const account = (await exchange.fetchBalance()).info; // GET /fapi/v3/account: the stream's "wb" is the wallet balance
    const wallet = Number((account.assets ?? []).find(a => a.asset === 'USDT')?.walletBalance);
    for (let i = 0; i < 5 && b.USDT?.total !== wallet; i++) {
        b = await withTimeout(next, args.timeoutMs, 'watchBalance (next update)');
        next = exchange.watchBalance();
    }
    next.catch(() => { /* left pending: rejected when the exchange closes */ });
    assert(b.USDT && typeof b.USDT.total === 'number', `USDT ${JSON.stringify(b.USDT)}`);
    assert(b.USDT.total === wallet, `streamed wallet ${b.USDT.total} never reached the REST walletBalance ${wallet}`);
    assert(b.USDT.total < before, `wallet ${b.USDT.total} not below ${before} after three taker fills`);
    return { USDT: b.USDT };
});

// Subscribe to both market streams while the tape is paused, then play it: the trades must continue
// exactly after the last REST aggTrade and the book must sync (REST snapshot + diff chain).
await check('watchTradesAndOrderBook', async () => {
    const trades = exchange.watchTrades(symbol);   // /market/ws + SUBSCRIBE btcusdt@aggTrade
    const book = exchange.watchOrderBook(symbol);  // /public/ws + SUBSCRIBE btcusdt@depth, then GET /fapi/v1/depth
    const market = args.symbol.toLowerCase();
    await untilState('trade and depth subscriptions', st => (st.streams.includes(`${market}@aggTrade`) || st.streams.includes(`${market}@trade`)) && st.streams.includes(`${market}@depth`));
    await control('play');
    const t = await withTimeout(trades, args.timeoutMs, 'watchTrades');
    const ob = await withTimeout(book, args.timeoutMs, 'watchOrderBook');
    assert(t.length > 0, 'no trades');
    assert(ob.bids.length > 0 && ob.asks.length > 0, 'empty book');
    assert(ob.bids[0][0] < ob.asks[0][0], `crossed ${ob.bids[0][0]} >= ${ob.asks[0][0]}`);
    return {
        trades: t.length,
        firstTrade: { id: t[0].id, price: t[0].price, amount: t[0].amount, timestamp: t[0].timestamp },
        bookNonce: ob.nonce, bestBid: ob.bids[0], bestAsk: ob.asks[0], depth: [ob.bids.length, ob.asks.length],
    };
});

// Closing rejects whatever ccxt still awaits on its sockets (ExchangeClosedByUser): expected here.
process.on('unhandledRejection', e => { if (e?.constructor?.name !== 'ExchangeClosedByUser') throw e; });
try {
    await exchange.close();
} catch { /* closing is best-effort */ }

emit({ check: 'requests', ok: true, requests: [...new Set(requests.map(r => `${r.method} ${r.path}${r.error ? ' !' + r.error : ''}`))] });
emit({ check: 'summary', ok: failures === 0, failures });
process.exit(failures === 0 ? 0 : 1);
