"""`make demo`: a short video of the three personas, recorded from the real stack in
Chromium -- docs/demo.mp4, and docs/demo.png, the poster frame the README shows.

1. A shopper buys; in a second window the same product's page shows its stock fall.
2. A stock manager counts a product and sees the count in the ledger.
3. An admin adds a product with its photo; it is in the shop at once.

The stack is `make screenshots`' (DynamoDB Local, moto's S3, the API serving the built web
app, the demo catalog with its photos). Each page is recorded through Chromium's own
screencast (DevTools' Page.startScreencast: a JPEG per change, with its time); ffmpeg, from
the imageio-ffmpeg wheel, lays the frames on a timeline (two windows side by side for the
first scene) and encodes H.264. Playwright's own video recorder needs an ffmpeg it
downloads, which is not reachable here.

    .venv/bin/python -m devtools.demo
"""

from __future__ import annotations

import base64
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from devtools import browser, screenshots, web

OUT = web.REPO / "docs"
WIDTH, HEIGHT, FPS = 1280, 720, 15
PHOTO = web.REPO / "devtools" / "demo_images" / "KIT-006.webp"
STEP_MS = 350  # every action slowed down, so a viewer can follow it


@dataclass
class Recording:
    """Chromium's screencast of one page: the JPEG frames it sent, with their times."""

    page: Any
    folder: Path
    frames: list[tuple[float, Path]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.cdp.on("Page.screencastFrame", self._frame)

    def _frame(self, event: dict[str, Any]) -> None:
        path = self.folder / f"{len(self.frames):05d}.jpg"
        path.write_bytes(base64.b64decode(event["data"]))
        self.frames.append((float(event["metadata"]["timestamp"]), path))
        self.cdp.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})

    def start(self) -> None:
        size = self.page.viewport_size
        self.cdp.send(
            "Page.startScreencast",
            {
                "format": "jpeg",
                "quality": 85,
                "maxWidth": size["width"],
                "maxHeight": size["height"],
            },
        )

    def stop(self) -> None:
        self.cdp.send("Page.stopScreencast")


def caption(page: Any, text: str) -> None:
    """A caption along the bottom of the page (built through the DOM: the page's CSP allows
    no inline style, but styles set from script are the CSSOM's)."""
    page.evaluate(
        """(text) => {
            let banner = document.getElementById("demo-caption");
            if (!banner) {
                banner = document.createElement("div");
                banner.id = "demo-caption";
                Object.assign(banner.style, {
                    position: "fixed", left: "0", right: "0", bottom: "0", zIndex: "1000",
                    padding: "14px 20px", font: "600 20px system-ui, sans-serif",
                    color: "#fff", background: "rgba(22, 84, 69, 0.92)", textAlign: "center",
                });
                document.body.appendChild(banner);
            }
            banner.textContent = text;
        }""",
        text,
    )


def concat_list(frames: list[tuple[float, Path]], start: float, end: float, out: Path) -> Path:
    """An ffconcat file showing each frame from its time to the next one's, over [start, end]."""
    lines = ["ffconcat version 1.0"]
    shown = [(max(t, start), p) for t, p in frames if t <= end] or [(start, frames[0][1])]
    shown[0] = (start, shown[0][1])
    for (t, path), following in zip(shown, [*shown[1:], (end, None)], strict=True):
        lines += [f"file '{path}'", f"duration {max(following[0] - t, 0.001):.3f}"]
    lines.append(f"file '{shown[-1][1]}'")  # the demuxer drops the last entry's duration
    out.write_text("\n".join(lines) + "\n")
    return out


def encode(recordings: list[Recording], out: Path, ffmpeg: str) -> None:
    """One scene: its recordings side by side (one fills the frame), on one timeline."""
    start = min(r.frames[0][0] for r in recordings)
    end = max(r.frames[-1][0] for r in recordings) + 1.0
    inputs: list[str] = []
    for index, recording in enumerate(recordings):
        listing = concat_list(recording.frames, start, end, out.with_suffix(f".{index}.txt"))
        inputs += ["-f", "concat", "-safe", "0", "-i", str(listing)]
    width = WIDTH // len(recordings)
    scaled = "".join(
        f"[{i}:v]scale={width}:{HEIGHT}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2:color=white,setsar=1[v{i}];"
        for i in range(len(recordings))
    )
    joined = "".join(f"[v{i}]" for i in range(len(recordings)))
    stack = f"{joined}hstack=inputs={len(recordings)}" if len(recordings) > 1 else f"{joined}null"
    graph = f"{scaled}{stack},fps={FPS},format=yuv420p[out]"
    run(ffmpeg, *inputs, "-filter_complex", graph, "-map", "[out]", *H264, str(out))


H264 = ["-c:v", "libx264", "-preset", "slow", "-crf", "30", "-movflags", "+faststart"]


def run(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-y", "-loglevel", "error", *args], check=True)


# --- the scenes ------------------------------------------------------------------------------
def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def window(chromium: Any, url: str, email: str, password: str, width: int = WIDTH) -> Any:
    """A browser window of its own (own cookies and storage), logged in."""
    page = chromium.new_context(
        base_url=url, viewport={"width": width, "height": HEIGHT}
    ).new_page()
    log_in(page, email, password)
    return page


def shopper_buys(
    chromium: Any, url: str, work: Path, people: dict[str, tuple[str, str]]
) -> list[Recording]:
    """Two windows: the shopper's, and another shopper's on the same product."""
    buyer = window(chromium, url, *people["shopper"], width=WIDTH // 2)
    watcher = chromium.new_context(
        base_url=url, viewport={"width": WIDTH // 2, "height": HEIGHT}
    ).new_page()
    product = httpx.get(f"{url}/products", params={"q": "dutch oven"}).json()["items"][0]
    stock = httpx.get(f"{url}/products/{product['id']}").json()["stock"]
    after = stock - 2
    fallen = f"{after} in stock" if after > 5 else f"Only {after} left"  # lib/format.ts
    watcher.goto(f"/app/products/{product['id']}")
    # the stock line in the middle of the window, outlined: it is what changes
    watcher.get_by_test_id("live-stock").evaluate(
        """(line) => {
            line.scrollIntoView({block: "center"});
            Object.assign(line.style, {outline: "3px solid #e2733a", outlineOffset: "6px"});
        }"""
    )
    buyer.goto("/app/")
    recordings = [Recording(buyer, work / "buyer"), Recording(watcher, work / "watcher")]
    for recording in recordings:
        recording.start()
    caption(buyer, "A shopper browses the catalog")
    caption(watcher, "Someone else is looking at the same pot")
    buyer.wait_for_timeout(1500)
    buyer.get_by_role("searchbox", name="Search products").press_sequentially("dutch", delay=90)
    buyer.get_by_role("button", name="Search", exact=True).click()
    buyer.get_by_role("link", name=product["name"]).first.click()
    buyer.get_by_test_id("live-stock").wait_for()
    caption(buyer, "Two in the cart…")
    buyer.wait_for_timeout(1200)
    for _ in range(2):
        buyer.get_by_role("button", name="Add to cart").click()
    buyer.get_by_role("link", name="Cart", exact=True).click()
    buyer.get_by_role("button", name="Place order").wait_for()
    caption(buyer, "…and the order is placed")
    buyer.wait_for_timeout(800)
    buyer.get_by_role("button", name="Place order").click()
    buyer.get_by_text("Thank you! Your order is placed.").wait_for()
    caption(watcher, "…and its stock falls here, with no reload")
    watcher.get_by_test_id("live-stock").filter(has_text=fallen).wait_for(timeout=10_000)
    buyer.wait_for_timeout(3500)
    for recording in recordings:
        recording.stop()
    return recordings


def stock_manager_counts(
    chromium: Any, url: str, work: Path, people: dict[str, tuple[str, str]]
) -> list[Recording]:
    page = window(chromium, url, *people["stock_manager"])
    page.goto("/app/inventory")
    recording = Recording(page, work / "stock")
    recording.start()
    caption(page, "A stock manager sees what runs low, lowest first")
    page.wait_for_timeout(2500)
    page.get_by_role("link", name="Bamboo Cutting Board").click()
    page.get_by_test_id("stock-level").wait_for()
    caption(page, "After a count of the shelf: 14 boards")
    page.wait_for_timeout(1200)
    page.get_by_label("New level").press_sequentially("14", delay=150)
    page.get_by_label("Reason for the count").press_sequentially("shelf count, aisle 3", delay=45)
    page.get_by_role("button", name="Set level").click()
    page.get_by_test_id("stock-level").filter(has_text="14").wait_for()
    caption(page, "The ledger says what changed, why, and who did it")
    page.get_by_role("table", name="Stock movements").scroll_into_view_if_needed()
    page.wait_for_timeout(3500)
    recording.stop()
    return [recording]


def admin_adds_a_product(
    chromium: Any, url: str, work: Path, people: dict[str, tuple[str, str]]
) -> list[Recording]:
    page = window(chromium, url, *people["admin"])
    page.goto("/app/admin/products")
    recording = Recording(page, work / "admin")
    recording.start()
    caption(page, "An admin adds a product, with its photo")
    page.wait_for_timeout(1500)
    page.get_by_role("link", name="New product", exact=True).click()
    name = f"Enamel Pot 3 L ({uuid.uuid4().hex[:4]})"
    page.get_by_label("Name").press_sequentially(name, delay=40)
    page.get_by_label("Description").press_sequentially("Light enamelled steel.", delay=25)
    page.get_by_label("Price").press_sequentially("64,90", delay=60)
    page.get_by_label("Category").fill("Kitchen")
    page.get_by_label("Initial stock").fill("8")
    page.get_by_label("Photo").set_input_files(str(PHOTO))
    page.get_by_role("button", name="Create product").click()
    page.get_by_role("heading", name=f"Edit {name}").wait_for()
    page.locator(".image-uploader img").wait_for()
    caption(page, "Created, its photo uploaded straight to S3 and checked")
    page.wait_for_timeout(3000)
    page.goto("/app/?q=enamel")
    page.get_by_role("link", name=name).wait_for()
    caption(page, "…and in the shop at once")
    page.wait_for_timeout(3500)
    recording.stop()
    return [recording]


def prepare(api: httpx.Client) -> dict[str, tuple[str, str]]:
    password = "demo-passphrase-1"  # noqa: S105 - a throw-away stack's shopper
    people = {"admin": screenshots.ADMIN}
    admin = screenshots.token(api, *screenshots.ADMIN)
    for role in ("shopper", "stock_manager"):
        email = f"{role.replace('_', '.')}@example.com"
        answer = api.post(
            "/auth/signup",
            json={"email": email, "password": password, "name": role.replace("_", " ").title()},
        )
        answer.raise_for_status()
        if role == "stock_manager":
            users = api.get("/admin/users", headers=admin, params={"email": email}).json()["items"]
            api.patch(
                f"/admin/users/{users[0]['id']}/role", headers=admin, json={"role": "stock_manager"}
            ).raise_for_status()
        people[role] = (email, password)
    return people


def main() -> int:
    import imageio_ffmpeg
    from playwright.sync_api import sync_playwright

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    web.ensure_built()
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as workdir,
        screenshots.local_stack(Path(workdir)) as (url, _),
    ):
        work = Path(workdir)
        with sync_playwright() as playwright, httpx.Client(base_url=url, timeout=30) as api:
            people = prepare(api)
            chromium = playwright.chromium.launch(
                executable_path=browser.chromium_path(), args=browser.CHROMIUM_ARGS, slow_mo=STEP_MS
            )
            scenes = [
                shopper_buys(chromium, url, work, people),
                stock_manager_counts(chromium, url, work, people),
                admin_adds_a_product(chromium, url, work, people),
            ]
            chromium.close()
        parts = []
        for number, recordings in enumerate(scenes):
            part = work / f"scene{number}.mp4"
            encode(recordings, part, ffmpeg)
            parts.append(part)
        listing = work / "scenes.txt"
        listing.write_text("".join(f"file '{p}'\n" for p in parts))
        run(
            ffmpeg,
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(listing),
            "-c",
            "copy",
            str(OUT / "demo.mp4"),
        )
        # the poster: the first scene once the stock has fallen
        run(ffmpeg, "-sseof", "-1.5", "-i", str(parts[0]), "-frames:v", "1", str(OUT / "demo.png"))
    size = (OUT / "demo.mp4").stat().st_size / 1e6
    print(f"docs/demo.mp4 ({size:.1f} MB) and docs/demo.png in {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
