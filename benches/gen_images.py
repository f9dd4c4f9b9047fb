#!/usr/bin/env python3
"""Generates the image benchmark's corpus: the same posts, each a page bundle with one
photo-like image (2000-4000 px; 4 in 5 JPEG, 1 in 5 PNG), for kudos and for Hugo.

    benches/gen_images.py --images N --seed S --imagegen PATH OUT

writes OUT/kudos (a kudos site) and OUT/hugo (a Hugo site whose image render hook makes
the same widths and formats kudos does: 480, 960 and 1600 px, each as WebP q80 and in the
image's own format, q80 for JPEG, Lanczos resampling). The image files are the same bytes
in both (hard links), made by benches/imagegen.
"""
import argparse
import os
import random
import subprocess

HUGO_CONFIG = """baseURL = "https://example.com/"
title = "Image bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[imaging]
  resampleFilter = "Lanczos"
  quality = 80
  hint = "photo"
"""

# The same element kudos writes: <picture>, a WebP <source>, the fallback <img> with
# srcset, width and height of the largest variant.
RENDER_IMAGE = """{{- $img := .Page.Resources.Get .Destination -}}
{{- $widths := slice 480 960 1600 -}}
{{- $webp := slice -}}{{- $fallback := slice -}}{{- $largest := $img -}}
{{- range $widths -}}{{- if lt . $img.Width -}}
{{- $w := $img.Resize (printf "%dx webp q80" .) -}}
{{- $f := $img.Resize (printf "%dx q80" .) -}}
{{- $webp = $webp | append (printf "%s %dw" $w.RelPermalink $w.Width) -}}
{{- $fallback = $fallback | append (printf "%s %dw" $f.RelPermalink $f.Width) -}}
{{- $largest = $f -}}
{{- end -}}{{- end -}}
<picture><source type="image/webp" srcset="{{ delimit $webp ", " }}" sizes="(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)"><img src="{{ $largest.RelPermalink }}" srcset="{{ delimit $fallback ", " }}" sizes="(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)" width="{{ $largest.Width }}" height="{{ $largest.Height }}" alt="{{ .Text }}" loading="lazy" decoding="async"></picture>
"""

BASEOF = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ block "main" . }}{{ end }}</body></html>
"""
SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""

KUDOS_CONFIG = """title = "Image bench"
base_url = "https://example.com/"

[images]
widths = [480, 960, 1600]
quality = 80
webp = true
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--imagegen", required=True)
    ap.add_argument("out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pool = os.path.join(args.out, "images")
    os.makedirs(pool, exist_ok=True)
    write(os.path.join(args.out, "kudos", "kudos.toml"), KUDOS_CONFIG)
    hugo = os.path.join(args.out, "hugo")
    write(os.path.join(hugo, "hugo.toml"), HUGO_CONFIG)
    write(os.path.join(hugo, "layouts", "_default", "_markup", "render-image.html"), RENDER_IMAGE)
    write(os.path.join(hugo, "layouts", "_default", "baseof.html"), BASEOF)
    write(os.path.join(hugo, "layouts", "_default", "single.html"), SINGLE)
    write(os.path.join(hugo, "layouts", "_default", "list.html"), LIST)
    write(os.path.join(hugo, "layouts", "index.html"), LIST)
    for i in range(args.images):
        width = rng.randrange(2000, 4001)
        height = rng.randrange(1500, 3001)
        ext = "png" if rng.random() < 0.2 else "jpg"
        name = f"photo.{ext}"
        source = os.path.join(pool, f"{i:04}.{ext}")
        if not os.path.exists(source):
            subprocess.run([args.imagegen, source, str(width), str(height), str(i + 1)], check=True)
        body = f"A post with one photo.\n\n![Photo number {i}]({name})\n"
        front = f'title = "Photo {i}"\ndate = 2026-01-{1 + i % 28:02}\n'
        for tool, fence in (("kudos", "+++"), ("hugo", "+++")):
            bundle = os.path.join(args.out, tool, "content", "posts", f"p{i:04}")
            write(os.path.join(bundle, "index.md"), f"{fence}\n{front}{fence}\n\n{body}")
            target = os.path.join(bundle, name)
            if not os.path.exists(target):
                os.link(source, target)


if __name__ == "__main__":
    main()
