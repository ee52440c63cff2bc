// formcheck's video tools (a Streamlit component; plain JS, no build step, nothing fetched).
//
// One clip: the annotated video, frame stepping, previous/next event, playback speed, a key-frame
// strip and chips for events and steps; clicking any of them seeks the video there.
// Two clips (Compare): side by side, "Play both" starts them in sync at their aligned event
// (first contact, hold start) and keeps them in step; frame stepping moves both.
//
// Protocol (as streamlit-component-lib speaks it): we post "streamlit:componentReady", Streamlit
// posts "streamlit:render" with args (bytes args arrive as Uint8Array), we post
// "streamlit:setFrameHeight" whenever our height changes.
"use strict";

(function () {
  const root = document.getElementById("root");
  let token = null;
  let players = [];
  let urls = [];

  function send(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data || {}), "*");
  }

  function fitHeight() {
    send("streamlit:setFrameHeight", { height: Math.ceil(document.documentElement.scrollHeight) + 2 });
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else if (k === "on") Object.entries(v).forEach(([ev, fn]) => node.addEventListener(ev, fn));
      else if (v !== null && v !== undefined) node.setAttribute(k, v);
    });
    (children || []).forEach((c) => c && node.appendChild(c));
    return node;
  }

  function clock(t) {
    const m = Math.floor(t / 60);
    const s = t - 60 * m;
    return m + ":" + (s < 10 ? "0" : "") + s.toFixed(2);
  }

  // -- one player ------------------------------------------------------------------------------------

  function makePlayer(clip, bytes, index, compact) {
    const url = URL.createObjectURL(new Blob([bytes], { type: "video/mp4" }));
    urls.push(url);
    const video = el("video", {
      src: url, controls: "", playsinline: "", muted: "", preload: "auto",
      "data-testid": "clip-video-" + index,
    });
    video.muted = true;
    const time = el("p", { class: "clock", "data-testid": "clip-clock-" + index });
    const player = { clip, video, time, frame: 1 / (clip.fps > 0 ? clip.fps : 30), marks: [] };
    const update = () => {
      const t = video.currentTime;
      const real = t * (clip.time_scale || 1);
      time.textContent = clock(real) + " · frame " + Math.round(t / player.frame);
      player.marks.forEach(({ node, at }) => node.classList.toggle("current", Math.abs(at - t) < player.frame * 0.75));
    };
    ["timeupdate", "seeked", "loadedmetadata"].forEach((ev) => video.addEventListener(ev, update));
    video.addEventListener("loadedmetadata", fitHeight);
    player.update = update;
    const title = compact ? el("p", { class: "clip-title", text: clip.label }) : null;
    player.node = el("div", { class: "clip" }, [title, video, time]);
    return player;
  }

  function seek(player, t) {
    const v = player.video;
    v.pause();
    v.currentTime = Math.max(0, Math.min(t, (v.duration || t) - player.frame / 2));
  }

  function stepFrames(n) {
    players.forEach((p) => seek(p, p.video.currentTime + n * p.frame));
  }

  function neighbourEvent(player, direction) {
    const t = player.video.currentTime;
    const times = player.clip.markers.filter((m) => m.kind === "event").map((m) => m.time_s).sort((a, b) => a - b);
    const eps = player.frame / 2;
    const next = direction > 0 ? times.find((x) => x > t + eps) : times.reverse().find((x) => x < t - eps);
    if (next !== undefined) seek(player, next);
  }

  function speedSelect() {
    const select = el("select", { "aria-label": "Playback speed", "data-testid": "speed" });
    [["0.25", "¼×"], ["0.5", "½×"], ["1", "1×"]].forEach(([v, label]) => {
      const option = el("option", { value: v, text: label });
      if (v === "1") option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener("change", () => applyRates(parseFloat(select.value)));
    return select;
  }

  // Both clips at the same real-time speed: a slow-motion clip (time_scale < 1) plays at 1x and the
  // other one slower, never faster than `speed`.
  function applyRates(speed) {
    const scales = players.map((p) => p.clip.time_scale || 1);
    const slowest = Math.min.apply(null, scales);
    players.forEach((p, i) => { p.video.playbackRate = speed * slowest / scales[i]; });
  }

  function chips(player, kind, title) {
    const marks = player.clip.markers.filter((m) => m.kind === kind && m.chip !== false);
    if (!marks.length) return null;
    const box = el("div", { class: "chips" });
    marks.forEach((m) => {
      const chip = el("button", {
        class: "chip " + (m.severity || ""), type: "button", "data-testid": "seek-" + kind,
        "data-time": m.time_s.toFixed(3), title: "Go to " + clock(m.time_s * (player.clip.time_scale || 1)),
        on: { click: () => seek(player, m.time_s) },
      }, [document.createTextNode(m.label), el("span", { class: "t", text: clock(m.time_s * (player.clip.time_scale || 1)) })]);
      player.marks.push({ node: chip, at: m.time_s });
      box.appendChild(chip);
    });
    return el("div", { class: "section" }, [el("p", { class: "section-title", text: title }), box]);
  }

  function strip(player) {
    const frames = player.clip.key_frames || [];
    if (!frames.length) return null;
    const box = el("div", { class: "strip", "data-testid": "key-frames" });
    frames.forEach((k) => {
      const seekable = typeof k.time_s === "number";
      const fig = el("figure", {
        "data-testid": "key-frame", "data-time": seekable ? k.time_s.toFixed(3) : null,
        title: (k.caption ? k.caption + " · " : "") + (seekable ? "Go to " + clock(k.time_s * (player.clip.time_scale || 1)) : k.label),
        on: { click: () => seekable && seek(player, k.time_s) },
      }, [el("img", { src: k.src, alt: k.label, loading: "lazy" }), el("figcaption", { text: k.label })]);
      fig.querySelector("img").addEventListener("load", fitHeight);
      if (seekable) player.marks.push({ node: fig, at: k.time_s });
      box.appendChild(fig);
    });
    return el("div", { class: "section" }, [el("p", { class: "section-title", text: "Key frames (tap to go there)" }), box]);
  }

  // -- the two layouts -------------------------------------------------------------------------------

  function single(args) {
    const p = players[0];
    const controls = el("div", { class: "controls" }, [
      el("button", { type: "button", "data-testid": "prev-event", title: "Previous event", text: "◀ event", on: { click: () => neighbourEvent(p, -1) } }),
      el("button", { type: "button", "data-testid": "frame-back", title: "One frame back", text: "−1 frame", on: { click: () => stepFrames(-1) } }),
      el("button", { type: "button", class: "primary", "data-testid": "play", text: "▶ / ❚❚", on: { click: () => (p.video.paused ? p.video.play() : p.video.pause()) } }),
      el("button", { type: "button", "data-testid": "frame-forward", title: "One frame forward", text: "+1 frame", on: { click: () => stepFrames(1) } }),
      el("button", { type: "button", "data-testid": "next-event", title: "Next event", text: "event ▶", on: { click: () => neighbourEvent(p, 1) } }),
      speedSelect(),
    ]);
    root.append(p.node, controls);
    [strip(p), chips(p, "event", "Events (tap to go there)"), chips(p, "step", "Steps (tap to go there)")].forEach((n) => n && root.appendChild(n));
  }

  function playBoth() {
    const lead = args_.lead_s || 0;
    const ready = players.map((p) => new Promise((resolve) => {
      const scale = p.clip.time_scale || 1;
      const start = Math.max(0, (p.clip.align_s || 0) - lead / scale);
      p.video.pause();
      p.video.addEventListener("seeked", resolve, { once: true });
      p.video.currentTime = start;
    }));
    Promise.all(ready).then(() => players.forEach((p) => p.video.play()));
  }

  // Keep clip B where clip A says it should be (same real time since each one's aligned event).
  function keepInStep() {
    if (players.length < 2) return;
    const [a, b] = players;
    if (a.video.paused || b.video.paused || a.video.seeking || b.video.seeking) return;
    const sa = a.clip.time_scale || 1, sb = b.clip.time_scale || 1;
    const want = (b.clip.align_s || 0) + (a.video.currentTime - (a.clip.align_s || 0)) * sa / sb;
    if (want >= 0 && Math.abs(b.video.currentTime - want) > 0.08) b.video.currentTime = want;
  }

  function compare(args) {
    const label = args.align_label ? "▶ Play both from " + args.align_label : "▶ Play both";
    const controls = el("div", { class: "controls" }, [
      el("button", { type: "button", class: "primary", "data-testid": "play-both", text: label, on: { click: playBoth } }),
      el("button", { type: "button", "data-testid": "pause-both", text: "❚❚", title: "Pause both", on: { click: () => players.forEach((p) => p.video.pause()) } }),
      el("button", { type: "button", "data-testid": "frame-back", text: "−1 frame", on: { click: () => stepFrames(-1) } }),
      el("button", { type: "button", "data-testid": "frame-forward", text: "+1 frame", on: { click: () => stepFrames(1) } }),
      speedSelect(),
    ]);
    root.append(el("div", { class: "clips" }, players.map((p) => p.node)), controls);
    if (args.note) root.appendChild(el("p", { class: "note", text: args.note }));
    players.forEach((p) => p.video.addEventListener("loadedmetadata", () => seek(p, p.clip.align_s || 0), { once: true }));
    setInterval(keepInStep, 250);
  }

  let args_ = {};

  function render(args) {
    if (args.token === token) return;
    token = args.token;
    args_ = args;
    urls.forEach((u) => URL.revokeObjectURL(u));
    urls = [];
    root.replaceChildren();
    const clips = args.clips || [];
    players = clips.map((clip, i) => makePlayer(clip, args["clip" + i], i, clips.length > 1));
    if (players.length === 1) single(args);
    else if (players.length === 2) compare(args);
    applyRates(1);
    players.forEach((p) => p.update());
    fitHeight();
  }

  window.addEventListener("message", (event) => {
    const data = event.data || {};
    if (data.type === "streamlit:render") render(data.args || {});
  });
  new ResizeObserver(fitHeight).observe(document.body);
  window.formcheckPlayers = () => players; // for the browser tests
  send("streamlit:componentReady", { apiVersion: 1 });
})();
