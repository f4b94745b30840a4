"""The demo catalog's product photos: one studio still life per product, drawn here as SVG
and rendered by Chromium to WebP (640 x 480), committed under devtools/demo_images/ (`make seed` and
`make screenshots` attach them through the API's own upload flow).

    .venv/bin/python -m devtools.demo_images          # render them all again
    .venv/bin/python -m devtools.demo_images --sheet sheet.png   # and a contact sheet

Each drawing is a few shapes with gradients in an 800 x 600 scene: a soft backdrop in the
category's tint, a floor, a blurred shadow, the object.
"""

from __future__ import annotations

import argparse
import base64
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "demo_images"
WIDTH, HEIGHT = 800, 600

BACKDROPS = {
    "Kitchen": ("#fbf1e6", "#efd9c2"),
    "Outdoors": ("#eaf3ee", "#cfe2d6"),
    "Office": ("#eef1f6", "#d5dce8"),
    "Home": ("#f6eef0", "#e6d3d8"),
    "Toys": ("#eef3fb", "#d6e2f3"),
}

DEFS = """
<linearGradient id="steel" x1="0" y1="0" x2="0" y2="1">
  <stop offset="0" stop-color="#f4f6f8"/><stop offset=".45" stop-color="#c5ccd3"/>
  <stop offset=".55" stop-color="#aeb6bf"/><stop offset="1" stop-color="#e3e7eb"/></linearGradient>
<linearGradient id="steelh" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#9aa3ad"/><stop offset=".35" stop-color="#eef1f4"/>
  <stop offset=".6" stop-color="#c2c9d0"/><stop offset="1" stop-color="#8d96a0"/></linearGradient>
<linearGradient id="iron" x1="0" y1="0" x2="1" y2="1">
  <stop offset="0" stop-color="#4a4d52"/><stop offset="1" stop-color="#1b1c1f"/></linearGradient>
<radialGradient id="ironpan" cx=".4" cy=".35" r=".7">
  <stop offset="0" stop-color="#3d4045"/><stop offset="1" stop-color="#141517"/></radialGradient>
<linearGradient id="wood" x1="0" y1="0" x2="1" y2="1">
  <stop offset="0" stop-color="#e6b877"/><stop offset="1" stop-color="#c48a45"/></linearGradient>
<linearGradient id="darkwood" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#5b3a26"/><stop offset=".5" stop-color="#7a5137"/>
  <stop offset="1" stop-color="#4b2f1f"/></linearGradient>
<linearGradient id="ceramic" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#dcdcd6"/><stop offset=".4" stop-color="#ffffff"/>
  <stop offset="1" stop-color="#cfcfc8"/></linearGradient>
<linearGradient id="enamel" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#8e1f1a"/><stop offset=".4" stop-color="#d8473b"/>
  <stop offset="1" stop-color="#7a1a15"/></linearGradient>
<linearGradient id="glass" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#ffffff" stop-opacity=".55"/>
  <stop offset=".3" stop-color="#ffffff" stop-opacity=".15"/>
  <stop offset="1" stop-color="#ffffff" stop-opacity=".4"/></linearGradient>
<linearGradient id="shine" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#fff" stop-opacity="0"/><stop offset=".5" stop-color="#fff" stop-opacity=".45"/>
  <stop offset="1" stop-color="#fff" stop-opacity="0"/></linearGradient>
<linearGradient id="shade" x1="0" y1="0" x2="1" y2="0">
  <stop offset="0" stop-color="#000" stop-opacity=".18"/><stop offset=".45" stop-color="#000" stop-opacity="0"/>
  <stop offset="1" stop-color="#000" stop-opacity=".25"/></linearGradient>
<filter id="blur" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="14"/></filter>
<filter id="soft" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="4"/></filter>
"""


def shadow(
    cx: float = 400, cy: float = 470, rx: float = 230, ry: float = 26, o: float = 0.28
) -> str:
    return (
        f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="#3a2f25" '
        f'opacity="{o}" filter="url(#blur)"/>'
    )


def grad(gid: str, a: str, b: str, *, horizontal: bool = True) -> str:
    x2, y2 = ("1", "0") if horizontal else ("0", "1")
    return (
        f'<linearGradient id="{gid}" x1="0" y1="0" x2="{x2}" y2="{y2}">'
        f'<stop offset="0" stop-color="{a}"/><stop offset="1" stop-color="{b}"/></linearGradient>'
    )


# --- Kitchen --------------------------------------------------------------------------------
def knife() -> str:
    return (
        shadow(400, 420, 300, 18)
        + """
<g transform="rotate(-14 400 330)">
  <path d="M150 318 L520 300 L540 330 L150 346 Q120 334 150 318 Z" fill="url(#steel)"/>
  <path d="M160 322 L515 304 L520 312 L160 328 Z" fill="#fff" opacity=".5"/>
  <path d="M150 342 L540 330" stroke="#8a939c" stroke-width="2"/>
  <rect x="532" y="296" width="26" height="44" rx="6" fill="url(#steelh)"/>
  <rect x="555" y="300" width="190" height="38" rx="17" fill="url(#iron)"/>
  <rect x="565" y="304" width="170" height="8" rx="4" fill="#fff" opacity=".12"/>
  <circle cx="600" cy="319" r="5" fill="url(#steelh)"/><circle cx="650" cy="319" r="5" fill="url(#steelh)"/>
  <circle cx="700" cy="319" r="5" fill="url(#steelh)"/>
</g>"""
    )


def skillet() -> str:
    return (
        shadow(380, 455, 250, 30)
        + """
<rect x="560" y="318" width="200" height="30" rx="14" fill="url(#iron)" transform="rotate(-8 560 330)"/>
<ellipse cx="370" cy="330" rx="220" ry="120" fill="url(#iron)"/>
<ellipse cx="370" cy="318" rx="196" ry="100" fill="url(#ironpan)"/>
<ellipse cx="330" cy="280" rx="90" ry="28" fill="#fff" opacity=".06"/>
<path d="M150 330 Q150 420 370 452 Q590 420 590 330 Q590 400 370 432 Q150 400 150 330 Z" fill="#000" opacity=".35"/>"""
    )


def dripper() -> str:
    return (
        shadow(400, 480, 170, 22)
        + """
<path d="M300 330 L500 330 L480 470 Q400 485 320 470 Z" fill="url(#ceramic)"/>
<path d="M306 330 L494 330" stroke="#b9b9b2" stroke-width="3"/>
<path d="M470 360 Q560 370 540 420 Q525 450 478 440" fill="none" stroke="url(#ceramic)" stroke-width="16"/>
<rect x="275" y="300" width="250" height="22" rx="10" fill="#e9e9e3"/>
<path d="M285 170 L515 170 L450 300 L350 300 Z" fill="url(#ceramic)"/>
<path d="M285 170 L515 170 L508 184 L292 184 Z" fill="#c9c9c1"/>
<path d="M318 200 L360 290 M400 196 L400 292 M482 200 L440 290" stroke="#d2d2cb" stroke-width="4"/>
<path d="M296 178 L504 178 L470 250 Q400 236 330 250 Z" fill="#6b3f23" opacity=".85"/>
<ellipse cx="400" cy="182" rx="104" ry="8" fill="#4a2a17"/>"""
    )


def board() -> str:
    grain = "".join(
        f'<path d="M{180 + i * 4} {210 + i * 26} Q400 {200 + i * 26 + (i % 3) * 6} {620 - i * 3} '
        f'{214 + i * 26}" stroke="#b8803f" stroke-width="2" fill="none" opacity=".45"/>'
        for i in range(9)
    )
    return (
        shadow(400, 455, 270, 24)
        + f"""
<rect x="150" y="190" width="500" height="260" rx="36" fill="#a8703a"/>
<rect x="150" y="176" width="500" height="260" rx="36" fill="url(#wood)"/>
{grain}
<rect x="176" y="202" width="448" height="208" rx="24" fill="none" stroke="#9c6732" stroke-width="5" opacity=".7"/>
<circle cx="600" cy="220" r="14" fill="#7f5329"/><circle cx="600" cy="218" r="12" fill="#f3e2cc"/>"""
    )


def scale() -> str:
    return (
        shadow(400, 455, 250, 22)
        + """
<path d="M170 410 L630 410 L600 440 L200 440 Z" fill="#b7bfc7"/>
<rect x="170" y="300" width="460" height="112" rx="22" fill="#f2f4f6"/>
<path d="M210 300 L590 300 L560 250 L240 250 Z" fill="url(#steel)"/>
<path d="M250 258 L550 258 L570 292 L230 292 Z" fill="#fff" opacity=".35"/>
<rect x="300" y="330" width="200" height="56" rx="10" fill="#1d2a2e"/>
<text x="480" y="371" font-family="DejaVu Sans Mono, monospace" font-size="34" text-anchor="end" fill="#7ef0c6">0 g</text>
<circle cx="240" cy="358" r="12" fill="#d0d6dc"/><circle cx="560" cy="358" r="12" fill="#d0d6dc"/>"""
    )


def dutch_oven() -> str:
    return (
        shadow(400, 470, 230, 26)
        + """
<rect x="150" y="300" width="56" height="34" rx="14" fill="#7a1a15"/>
<rect x="594" y="300" width="56" height="34" rx="14" fill="#7a1a15"/>
<path d="M190 270 L610 270 L590 430 Q400 470 210 430 Z" fill="url(#enamel)"/>
<path d="M200 300 L600 300" stroke="#000" stroke-opacity=".1" stroke-width="6"/>
<ellipse cx="400" cy="268" rx="226" ry="40" fill="#a8271f"/>
<ellipse cx="400" cy="258" rx="216" ry="36" fill="url(#enamel)"/>
<ellipse cx="360" cy="248" rx="120" ry="12" fill="#fff" opacity=".2"/>
<rect x="368" y="206" width="64" height="30" rx="12" fill="url(#steelh)"/>
<path d="M240 300 Q250 400 300 430" stroke="#fff" stroke-opacity=".25" stroke-width="14" fill="none"/>"""
    )


def spatulas() -> str:
    out = [shadow(400, 470, 200, 20)]
    for angle, color in ((-20, "#e86f4d"), (0, "#2f8f83"), (20, "#f2c14e")):
        out.append(
            f'<g transform="rotate({angle} 400 460)">'
            f'<rect x="390" y="250" width="20" height="210" rx="10" fill="url(#darkwood)"/>'
            f'<path d="M356 140 Q400 126 444 140 L446 250 Q400 262 354 250 Z" fill="{color}"/>'
            f'<path d="M364 148 L378 146 L376 246 L362 244 Z" fill="#fff" opacity=".28"/></g>'
        )
    return "".join(out)


# --- Outdoors --------------------------------------------------------------------------------
def tent() -> str:
    return (
        shadow(400, 470, 290, 26)
        + """
<path d="M120 455 L400 170 L680 455 Z" fill="#e2733a"/>
<path d="M400 170 L680 455 L520 455 Z" fill="#b9552a"/>
<path d="M330 455 L400 300 L470 455 Z" fill="#3c2a22"/>
<path d="M400 300 L470 455 L430 455 Z" fill="#2a1d17"/>
<path d="M120 455 L400 170" stroke="#f6b98a" stroke-width="5"/>
<path d="M400 170 L400 140" stroke="#6b6f74" stroke-width="6"/>
<path d="M140 455 L100 470 M660 455 L700 470" stroke="#555" stroke-width="3"/>
<path d="M250 310 L560 320" stroke="#fff" stroke-opacity=".25" stroke-width="6"/>"""
    )


def sleeping_bag() -> str:
    return (
        shadow(380, 470, 250, 24)
        + """
<rect x="180" y="250" width="360" height="200" rx="100" fill="#2f5d8a"/>
<rect x="180" y="250" width="360" height="200" rx="100" fill="url(#shade)"/>
<path d="M240 254 L240 446 M300 252 L300 448 M360 252 L360 448 M420 252 L420 448 M480 254 L480 446"
 stroke="#244a6f" stroke-width="6"/>
<ellipse cx="540" cy="350" rx="70" ry="100" fill="#3b6fa0"/>
<path d="M540 260 Q500 350 540 440 Q580 350 540 260" fill="none" stroke="#244a6f" stroke-width="6"/>
<circle cx="540" cy="350" r="16" fill="#244a6f"/>
<rect x="560" y="330" width="120" height="120" rx="26" fill="#e2733a"/>
<rect x="560" y="318" width="120" height="26" rx="10" fill="#b9552a"/>
<path d="M620 318 L620 300" stroke="#333" stroke-width="5"/>"""
    )


def poles() -> str:
    out = [shadow(400, 470, 250, 18)]
    for angle in (-12, 12):
        out.append(
            f'<g transform="rotate({angle} 400 300)">'
            f'<rect x="392" y="110" width="16" height="360" rx="8" fill="url(#steelh)"/>'
            f'<rect x="386" y="250" width="28" height="14" rx="6" fill="#1d1d1f"/>'
            f'<rect x="384" y="100" width="32" height="110" rx="14" fill="#2d2f33"/>'
            f'<rect x="388" y="104" width="8" height="100" rx="4" fill="#fff" opacity=".15"/>'
            f'<path d="M386 110 Q360 170 386 210" stroke="#3b7dd8" stroke-width="6" fill="none"/>'
            f'<rect x="396" y="460" width="8" height="22" fill="#333"/></g>'
        )
    return "".join(out)


def headlamp() -> str:
    return (
        shadow(400, 470, 220, 22)
        + """
<path d="M560 300 L760 220 L760 420 Z" fill="#fff8c6" opacity=".55" filter="url(#soft)"/>
<ellipse cx="400" cy="330" rx="200" ry="110" fill="none" stroke="#2c3e50" stroke-width="34"/>
<ellipse cx="400" cy="330" rx="200" ry="110" fill="none" stroke="#e2733a" stroke-width="6" stroke-dasharray="20 16"/>
<rect x="480" y="270" width="110" height="100" rx="24" fill="#1f2329"/>
<rect x="486" y="276" width="98" height="16" rx="8" fill="#fff" opacity=".12"/>
<circle cx="560" cy="320" r="34" fill="#d9dde2"/><circle cx="560" cy="320" r="24" fill="#fffbe0"/>
<circle cx="552" cy="312" r="8" fill="#fff"/>"""
    )


def bottle() -> str:
    return (
        shadow(400, 480, 130, 20)
        + """
<rect x="330" y="170" width="140" height="300" rx="44" fill="#2a8c8c"/>
<rect x="330" y="170" width="140" height="300" rx="44" fill="url(#shade)"/>
<rect x="352" y="200" width="18" height="250" rx="9" fill="#fff" opacity=".25"/>
<rect x="350" y="130" width="100" height="56" rx="14" fill="url(#steelh)"/>
<rect x="365" y="100" width="70" height="40" rx="12" fill="#1f2329"/>
<path d="M435 112 Q475 112 475 140 Q475 160 452 160" fill="none" stroke="#1f2329" stroke-width="10"/>
<rect x="330" y="430" width="140" height="12" fill="#000" opacity=".08"/>"""
    )


def stove() -> str:
    return (
        shadow(400, 470, 220, 24)
        + """
<rect x="300" y="330" width="200" height="140" rx="40" fill="#3a63b8"/>
<rect x="300" y="330" width="200" height="140" rx="40" fill="url(#shade)"/>
<rect x="320" y="360" width="160" height="60" rx="8" fill="#fff" opacity=".9"/>
<text x="400" y="400" font-family="DejaVu Sans, sans-serif" font-weight="700" font-size="26" text-anchor="middle" fill="#3a63b8">GAS</text>
<rect x="370" y="300" width="60" height="34" rx="8" fill="url(#steelh)"/>
<ellipse cx="400" cy="292" rx="70" ry="14" fill="url(#steel)"/>
<path d="M320 270 L400 290 L480 270 M330 296 L400 286 L470 296" stroke="#6f7782" stroke-width="8" stroke-linecap="round"/>
<path d="M380 282 Q392 250 400 230 Q410 252 420 282 Z" fill="#4f8dff" opacity=".85"/>
<path d="M392 282 Q398 262 400 250 Q404 262 408 282 Z" fill="#bcd8ff"/>
<rect x="450" y="300" width="70" height="12" rx="6" fill="#c0392b" transform="rotate(20 450 300)"/>"""
    )


def daypack() -> str:
    return (
        shadow(400, 475, 200, 24)
        + """
<path d="M290 200 Q400 120 510 200 L530 440 Q400 480 270 440 Z" fill="#2e6b4f"/>
<path d="M290 200 Q400 120 510 200 L530 440 Q400 480 270 440 Z" fill="url(#shade)"/>
<path d="M310 330 L490 330 L500 430 Q400 456 300 430 Z" fill="#3d8563"/>
<path d="M310 330 L490 330" stroke="#f2c14e" stroke-width="6"/>
<path d="M330 196 Q400 150 470 196" fill="none" stroke="#1f4a36" stroke-width="10"/>
<rect x="385" y="150" width="30" height="20" rx="8" fill="#1f4a36"/>
<path d="M300 220 Q250 300 286 420 M500 220 Q550 300 514 420" stroke="#1f4a36" stroke-width="18" fill="none"/>
<circle cx="400" cy="380" r="10" fill="#f2c14e"/>"""
    )


# --- Office ---------------------------------------------------------------------------------
def keyboard() -> str:
    keys = []
    for row in range(5):
        for col in range(14):
            x = 190 + col * 30 + row * 4
            y = 270 + row * 32
            width = 26 if not (row == 4 and 4 <= col <= 9) else 0
            if width:
                fill = "#e86f4d" if (row, col) in {(0, 0), (3, 13)} else "#f4f5f7"
                keys.append(
                    f'<rect x="{x}" y="{y}" width="{width}" height="26" rx="5" fill="{fill}"/>'
                )
    keys.append('<rect x="314" y="398" width="176" height="26" rx="5" fill="#f4f5f7"/>')
    return (
        shadow(400, 465, 290, 22)
        + f"""
<path d="M160 250 L640 250 L660 440 L140 440 Z" fill="#2d3036"/>
<path d="M160 250 L640 250 L644 262 L156 262 Z" fill="#fff" opacity=".1"/>
<g transform="skewX(-3)">{"".join(keys)}</g>"""
    )


def mouse() -> str:
    return (
        shadow(400, 465, 150, 22)
        + """
<path d="M400 160 Q500 160 510 300 Q515 440 400 460 Q285 440 290 300 Q300 160 400 160 Z" fill="#2f3238"/>
<path d="M400 160 Q500 160 510 300 Q515 440 400 460 Q285 440 290 300 Q300 160 400 160 Z" fill="url(#shade)"/>
<path d="M400 164 L400 290" stroke="#15171a" stroke-width="4"/>
<path d="M296 290 Q400 310 504 290" stroke="#15171a" stroke-width="3" fill="none"/>
<rect x="390" y="196" width="20" height="50" rx="10" fill="#8f98a3"/>
<path d="M330 210 Q350 180 390 172" stroke="#fff" stroke-opacity=".35" stroke-width="10" fill="none" stroke-linecap="round"/>
<path d="M300 330 Q286 300 262 318 Q246 352 290 380" fill="#3a3e45"/>"""
    )


def monitor_arm() -> str:
    return (
        shadow(400, 475, 220, 20)
        + """
<rect x="200" y="440" width="90" height="34" rx="8" fill="#2d3036"/>
<rect x="232" y="330" width="26" height="120" rx="10" fill="url(#steelh)"/>
<rect x="236" y="320" width="200" height="24" rx="12" fill="url(#steel)" transform="rotate(-24 248 332)"/>
<rect x="400" y="236" width="130" height="22" rx="11" fill="url(#steel)" transform="rotate(12 400 246)"/>
<circle cx="248" cy="332" r="16" fill="#1f2329"/><circle cx="410" cy="244" r="14" fill="#1f2329"/>
<rect x="500" y="150" width="250" height="160" rx="10" fill="#1b1d22"/>
<rect x="512" y="162" width="226" height="136" rx="4" fill="#3a63b8"/>
<path d="M512 162 L738 162 L600 298 L512 298 Z" fill="#fff" opacity=".12"/>"""
    )


def notebook() -> str:
    dots = "".join(
        f'<circle cx="{300 + c * 22}" cy="{190 + r * 22}" r="2" fill="#c8c3b6"/>'
        for r in range(12)
        for c in range(10)
    )
    return (
        shadow(420, 470, 220, 24)
        + f"""
<rect x="270" y="160" width="270" height="300" rx="14" fill="#1f2f4a" transform="rotate(-4 400 310)"/>
<g transform="rotate(-4 400 310)">
<rect x="284" y="168" width="246" height="284" rx="8" fill="#f8f5ee"/>
{dots}
<rect x="500" y="160" width="14" height="300" fill="#e86f4d"/>
<path d="M300 452 L300 498 L312 488 L324 498 L324 452" fill="#f2c14e"/>
</g>"""
    )


def fountain_pen() -> str:
    return (
        shadow(400, 440, 260, 14)
        + """
<g transform="rotate(-22 400 320)">
<rect x="200" y="296" width="300" height="48" rx="22" fill="#1a1f3a"/>
<rect x="210" y="302" width="280" height="10" rx="5" fill="#fff" opacity=".18"/>
<rect x="430" y="292" width="12" height="56" fill="url(#steelh)"/>
<rect x="230" y="286" width="90" height="10" rx="5" fill="url(#steelh)"/>
<path d="M500 302 L570 314 Q600 320 570 326 L500 338 Z" fill="#1a1f3a"/>
<path d="M566 312 L640 320 L566 328 Z" fill="#d9b44a"/>
<path d="M580 320 L640 320" stroke="#7a5a10" stroke-width="2"/>
</g>"""
    )


def desk_lamp() -> str:
    return (
        shadow(380, 475, 200, 20)
        + """
<path d="M520 260 L660 470 L420 470 Z" fill="#fff8d0" opacity=".5" filter="url(#soft)"/>
<ellipse cx="300" cy="462" rx="90" ry="18" fill="#2d3036"/>
<rect x="288" y="300" width="18" height="160" rx="9" fill="#2d3036" transform="rotate(-8 297 460)"/>
<rect x="300" y="190" width="18" height="150" rx="9" fill="#2d3036" transform="rotate(48 309 330)"/>
<circle cx="318" cy="322" r="14" fill="#e86f4d"/><circle cx="430" cy="210" r="14" fill="#e86f4d"/>
<path d="M430 200 L560 230 L530 300 Z" fill="#2d3036"/>
<path d="M470 238 L560 230 L530 300 Q500 286 470 238 Z" fill="#3a3e45"/>
<ellipse cx="545" cy="266" rx="14" ry="38" fill="#fffbe0" transform="rotate(24 545 266)"/>"""
    )


def desk_mat() -> str:
    return (
        shadow(400, 455, 300, 22)
        + """
<path d="M170 260 L630 260 L690 440 L110 440 Z" fill="#2d3036"/>
<path d="M180 268 L620 268 L676 432 L124 432 Z" fill="#3a3e45"/>
<path d="M190 300 L610 300" stroke="#fff" stroke-opacity=".06" stroke-width="16"/>
<path d="M110 440 L690 440 L690 452 L110 452 Z" fill="#1f2329"/>
<circle cx="640" cy="420" r="10" fill="#2a8c8c"/>"""
    )


# --- Home -----------------------------------------------------------------------------------
def folded(colors: list[str], *, width: float = 380, step: float = 58, fringe: bool = False) -> str:
    out = []
    top = 460 - step * len(colors)
    for i, color in enumerate(colors):
        y = top + i * step
        x = 400 - width / 2 + (i % 2) * 8
        out.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{step + 6}" rx="{step / 2.4}" fill="{color}"/>'
        )
        out.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{step + 6}" rx="{step / 2.4}" fill="url(#shade)"/>'
        )
        out.append(
            f'<path d="M{x + 30} {y + 12} L{x + width - 30} {y + 12}" stroke="#fff" '
            f'stroke-opacity=".25" stroke-width="4"/>'
        )
        if fringe and i == len(colors) - 1:
            out.extend(
                f'<path d="M{x + width - 4 + 0} {y + 8 + k * 6} l14 2" stroke="{color}" stroke-width="3"/>'
                for k in range(9)
            )
    return shadow(400, 470, 240, 24) + "".join(out)


def duvet() -> str:
    return folded(["#e8e2d4", "#d9d1bf", "#efe9dd"], step=70)


def throw() -> str:
    base = folded(["#b35a3c", "#c9704f"], width=400, step=80, fringe=True)
    lines = "".join(
        f'<path d="M{230 + k * 44} 300 L{230 + k * 44} 466" stroke="#f1d7c8" stroke-opacity=".45" stroke-width="5"/>'
        for k in range(8)
    )
    return (
        base
        + lines
        + '<path d="M200 330 L600 330 M200 420 L600 420" stroke="#f1d7c8" stroke-opacity=".45" stroke-width="5"/>'
    )


def candle() -> str:
    return (
        shadow(400, 470, 150, 22)
        + """
<ellipse cx="400" cy="200" rx="40" ry="60" fill="#ffd76a" opacity=".35" filter="url(#blur)"/>
<rect x="310" y="250" width="180" height="220" rx="28" fill="#f0ebe0"/>
<rect x="310" y="250" width="180" height="220" rx="28" fill="#a8c5b4" opacity=".35"/>
<rect x="310" y="250" width="180" height="220" rx="28" fill="url(#glass)"/>
<ellipse cx="400" cy="272" rx="82" ry="14" fill="#e7e1d2"/>
<rect x="340" y="330" width="120" height="80" rx="6" fill="#fff" opacity=".9"/>
<text x="400" y="376" font-family="DejaVu Serif, serif" font-size="22" text-anchor="middle" fill="#3d4b43">CEDAR</text>
<path d="M398 270 L398 250" stroke="#222" stroke-width="3"/>
<path d="M398 252 Q380 224 398 196 Q416 224 398 252 Z" fill="#ffb938"/>
<path d="M398 248 Q390 232 398 216 Q406 232 398 248 Z" fill="#fff4c2"/>"""
    )


def vase() -> str:
    return (
        shadow(400, 475, 140, 22)
        + """
<path d="M400 110 L390 260" stroke="#5f7f52" stroke-width="5"/>
<path d="M400 110 Q420 160 440 250" stroke="#5f7f52" stroke-width="5" fill="none"/>
<path d="M380 140 Q360 190 370 260" stroke="#5f7f52" stroke-width="5" fill="none"/>
<ellipse cx="400" cy="112" rx="16" ry="22" fill="#e8c3b0"/><ellipse cx="378" cy="142" rx="14" ry="18" fill="#f2d7c9"/>
<ellipse cx="418" cy="150" rx="12" ry="16" fill="#d9a790"/>
<path d="M360 240 L440 240 Q448 290 500 340 Q540 400 480 460 Q400 490 320 460 Q260 400 300 340 Q352 290 360 240 Z" fill="#4f7a8f"/>
<path d="M360 240 L440 240 Q448 290 500 340 Q540 400 480 460 Q400 490 320 460 Q260 400 300 340 Q352 290 360 240 Z" fill="url(#shade)"/>
<path d="M330 330 Q300 400 330 450" stroke="#fff" stroke-opacity=".3" stroke-width="12" fill="none"/>
<ellipse cx="400" cy="242" rx="42" ry="8" fill="#2f4d5c"/>"""
    )


def towels() -> str:
    return folded(["#3f6f8f", "#f2efe8", "#8fb8a8"], width=330, step=74)


def wall_clock() -> str:
    ticks = "".join(
        f'<rect x="398" y="150" width="4" height="{22 if i % 3 == 0 else 12}" fill="#2d3036" '
        f'transform="rotate({i * 30} 400 300)"/>'
        for i in range(12)
    )
    return (
        shadow(400, 470, 140, 14, 0.18)
        + f"""
<circle cx="400" cy="300" r="168" fill="#2d3036"/>
<circle cx="400" cy="300" r="152" fill="#fbfaf7"/>
{ticks}
<rect x="395" y="210" width="10" height="100" rx="5" fill="#2d3036" transform="rotate(-30 400 300)"/>
<rect x="397" y="180" width="6" height="130" rx="3" fill="#2d3036" transform="rotate(60 400 300)"/>
<rect x="399" y="170" width="2" height="140" fill="#e86f4d" transform="rotate(140 400 300)"/>
<circle cx="400" cy="300" r="10" fill="#e86f4d"/>
<path d="M280 200 Q330 160 400 152" stroke="#fff" stroke-width="10" fill="none" opacity=".6"/>"""
    )


# --- Toys -----------------------------------------------------------------------------------
def cube(x: float, y: float, size: float, color: str, letter: str) -> str:
    d = size * 0.3
    return (
        f'<path d="M{x} {y} L{x + d} {y - d} L{x + size + d} {y - d} L{x + size} {y} Z" fill="{color}" opacity=".75"/>'
        f'<path d="M{x + size} {y} L{x + size + d} {y - d} L{x + size + d} {y + size - d} L{x + size} {y + size} Z" fill="{color}" opacity=".55"/>'
        f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{color}"/>'
        f'<rect x="{x + 8}" y="{y + 8}" width="{size - 16}" height="{size - 16}" fill="#fff" opacity=".85"/>'
        f'<text x="{x + size / 2}" y="{y + size * 0.68}" font-family="DejaVu Sans, sans-serif" font-weight="700" '
        f'font-size="{size * 0.5}" text-anchor="middle" fill="{color}">{letter}</text>'
    )


def blocks() -> str:
    return shadow(400, 470, 240, 22) + (
        cube(230, 340, 120, "#e86f4d", "A")
        + cube(360, 340, 120, "#2a8c8c", "B")
        + cube(300, 220, 120, "#f2c14e", "C")
        + cube(500, 380, 80, "#3a63b8", "D")
    )


def puzzle() -> str:
    piece = (
        "M0 0 L50 0 Q45 -24 64 -24 Q83 -24 78 0 L128 0 L128 50 Q152 45 152 64 Q152 83 128 78 "
        "L128 128 L78 128 Q83 104 64 104 Q45 104 50 128 L0 128 L0 78 Q-24 83 -24 64 Q-24 45 0 50 Z"
    )
    pieces = "".join(
        f'<path d="{piece}" fill="{c}" transform="translate({x} {y}) rotate({r} 64 64)"/>'
        f'<path d="{piece}" fill="url(#shade)" transform="translate({x} {y}) rotate({r} 64 64)"/>'
        for x, y, r, c in (
            (230, 250, 0, "#3a63b8"),
            (360, 250, 90, "#e86f4d"),
            (300, 340, 180, "#f2c14e"),
            (470, 330, -20, "#2a8c8c"),
        )
    )
    return shadow(400, 475, 260, 22) + pieces


def science_kit() -> str:
    return (
        shadow(400, 475, 220, 22)
        + """
<path d="M330 180 L390 180 L390 270 L450 420 Q460 460 420 466 L300 466 Q260 460 270 420 L330 270 Z" fill="#ffffff" opacity=".55"/>
<path d="M300 380 L420 380 L450 420 Q460 460 420 466 L300 466 Q260 460 270 420 Z" fill="#7ad3a5"/>
<path d="M330 180 L390 180 L390 270 L450 420 Q460 460 420 466 L300 466 Q260 460 270 420 L330 270 Z" fill="none" stroke="#8da3b0" stroke-width="5"/>
<rect x="320" y="168" width="80" height="18" rx="6" fill="#8da3b0"/>
<circle cx="330" cy="420" r="8" fill="#fff" opacity=".7"/><circle cx="370" cy="440" r="6" fill="#fff" opacity=".7"/>
<rect x="480" y="230" width="36" height="220" rx="18" fill="#fff" opacity=".55" stroke="#8da3b0" stroke-width="4"/>
<rect x="484" y="330" width="28" height="116" rx="14" fill="#e86f4d"/>
<rect x="540" y="260" width="36" height="190" rx="18" fill="#fff" opacity=".55" stroke="#8da3b0" stroke-width="4"/>
<rect x="544" y="360" width="28" height="86" rx="14" fill="#3a63b8"/>
<circle cx="404" cy="150" r="10" fill="#7ad3a5" opacity=".6"/><circle cx="420" cy="120" r="7" fill="#7ad3a5" opacity=".5"/>"""
    )


def plush_fox() -> str:
    return (
        shadow(400, 475, 190, 24)
        + """
<path d="M520 430 Q640 420 620 330 Q600 290 560 320 Q590 370 510 400 Z" fill="#e2733a"/>
<path d="M600 320 Q620 300 632 322 Q628 350 612 346 Z" fill="#fff6ee"/>
<ellipse cx="400" cy="390" rx="130" ry="90" fill="#e2733a"/>
<ellipse cx="400" cy="410" rx="70" ry="60" fill="#fff6ee"/>
<path d="M290 150 L340 250 L260 240 Z" fill="#e2733a"/><path d="M510 150 L460 250 L540 240 Z" fill="#e2733a"/>
<path d="M296 176 L328 240 L280 234 Z" fill="#3d2a22"/><path d="M504 176 L472 240 L520 234 Z" fill="#3d2a22"/>
<path d="M250 240 Q400 170 550 240 Q560 330 400 360 Q240 330 250 240 Z" fill="#e97f45"/>
<path d="M330 300 Q400 380 470 300 Q440 352 400 356 Q360 352 330 300 Z" fill="#fff6ee"/>
<circle cx="345" cy="270" r="12" fill="#1d1d1f"/><circle cx="455" cy="270" r="12" fill="#1d1d1f"/>
<circle cx="349" cy="266" r="4" fill="#fff"/><circle cx="459" cy="266" r="4" fill="#fff"/>
<ellipse cx="400" cy="318" rx="14" ry="10" fill="#1d1d1f"/>"""
    )


def board_game() -> str:
    cells = "".join(
        f'<rect x="{250 + c * 38}" y="{250 + r * 38}" width="38" height="38" '
        f'fill="{"#e9dcc3" if (r + c) % 2 else "#c99a5b"}"/>'
        for r in range(5)
        for c in range(8)
    )
    return (
        shadow(400, 470, 250, 22)
        + f"""
<rect x="230" y="232" width="344" height="228" rx="10" fill="#7a4a2a"/>
{cells}
<circle cx="307" cy="307" r="13" fill="#e86f4d"/><circle cx="459" cy="345" r="13" fill="#3a63b8"/>
<path d="M380 270 L394 300 L366 300 Z" fill="#2a8c8c"/>
<rect x="470" y="150" width="120" height="80" rx="8" fill="#2d3036" transform="rotate(8 530 190)"/>
<text x="530" y="200" font-family="DejaVu Sans, sans-serif" font-weight="700" font-size="20" text-anchor="middle" fill="#f2c14e" transform="rotate(8 530 190)">SIEGE</text>
<rect x="600" y="410" width="40" height="40" rx="8" fill="#fff"/><circle cx="612" cy="422" r="4" fill="#222"/>
<circle cx="628" cy="438" r="4" fill="#222"/>"""
    )


# how much larger than drawn each object shows (most fill the frame better a little larger)
ZOOM = {
    "KIT-001": 1.0,
    "KIT-002": 1.05,
    "OUT-001": 1.05,
    "OFF-001": 1.1,
    "OFF-007": 1.05,
    "KIT-004": 1.1,
    "OUT-004": 1.1,
    "OFF-003": 1.1,
    "OFF-005": 1.1,
    "OUT-002": 1.15,
    "TOY-002": 1.15,
    "TOY-005": 1.15,
    "HOM-006": 1.1,
}
DEFAULT_ZOOM = 1.25

DRAWINGS: dict[str, Callable[[], str]] = {
    "KIT-001": knife,
    "KIT-002": skillet,
    "KIT-003": dripper,
    "KIT-004": board,
    "KIT-005": scale,
    "KIT-006": dutch_oven,
    "KIT-007": spatulas,
    "OUT-001": tent,
    "OUT-002": sleeping_bag,
    "OUT-003": poles,
    "OUT-004": headlamp,
    "OUT-005": bottle,
    "OUT-006": stove,
    "OUT-007": daypack,
    "OFF-001": keyboard,
    "OFF-002": mouse,
    "OFF-003": monitor_arm,
    "OFF-004": notebook,
    "OFF-005": fountain_pen,
    "OFF-006": desk_lamp,
    "OFF-007": desk_mat,
    "HOM-001": duvet,
    "HOM-002": throw,
    "HOM-003": candle,
    "HOM-004": vase,
    "HOM-005": towels,
    "HOM-006": wall_clock,
    "TOY-001": blocks,
    "TOY-002": puzzle,
    "TOY-003": science_kit,
    "TOY-004": plush_fox,
    "TOY-005": board_game,
}


def scene(sku: str, category: str) -> str:
    top, floor = BACKDROPS.get(category, ("#f3f3f3", "#dddddd"))
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"
 viewBox="0 0 {WIDTH} {HEIGHT}"><defs>{DEFS}{grad("wall", "#ffffff", top, horizontal=False)}
{grad("floor", top, floor, horizontal=False)}</defs>
<rect width="{WIDTH}" height="{HEIGHT}" fill="url(#wall)"/>
<rect y="400" width="{WIDTH}" height="200" fill="url(#floor)"/>
<rect y="398" width="{WIDTH}" height="4" fill="#fff" opacity=".5"/>
<g transform="translate(400 330) scale({ZOOM.get(sku, DEFAULT_ZOOM)}) translate(-400 -330)">
{DRAWINGS[sku]()}</g></svg>"""


SIZE = (640, 480)  # twice a catalog card's width on a phone; a product page's on a desktop


def render(page: Any, svg: str) -> bytes:
    """The drawing as WebP (Chromium draws the SVG on a canvas and encodes it)."""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    url = page.evaluate(
        """async ([src, width, height]) => {
            const image = new Image();
            image.src = src;
            await image.decode();
            const canvas = document.createElement("canvas");
            canvas.width = width;
            canvas.height = height;
            canvas.getContext("2d").drawImage(image, 0, 0, width, height);
            return canvas.toDataURL("image/webp", 0.82);
        }""",
        [source, *SIZE],
    )
    return base64.b64decode(url.split(",", 1)[1])


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from app.seed import CATALOG
    from devtools import browser

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheet", type=Path, help="also a contact sheet of them all, here")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        page = chromium.new_page()
        page.goto("about:blank")
        for old in OUT.glob("*.jpg"):
            old.unlink()
        for sku, _name, category, *_ in CATALOG:
            (OUT / f"{sku}.webp").write_bytes(render(page, scene(sku, category)))
        print(f"{len(CATALOG)} images in {OUT}")
        if args.sheet:
            tiles = "".join(
                '<img style="width:200px;height:150px" src="data:image/webp;base64,'
                + base64.b64encode((OUT / f"{sku}.webp").read_bytes()).decode()
                + '">'
                for sku, *_ in CATALOG
            )
            page.set_viewport_size({"width": 1600, "height": 600})
            page.set_content(f"<body style='margin:0;line-height:0'>{tiles}</body>")
            page.screenshot(path=str(args.sheet), full_page=True)
            print(f"contact sheet: {args.sheet}")
        chromium.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
