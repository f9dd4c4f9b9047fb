#!/usr/bin/env python3
"""Generates the image benchmark's corpus: the same posts, each a page bundle with one
photo-like image (2000-4000 px; 4 in 5 JPEG, 1 in 5 PNG), for kudos, Hugo and Zola.

    benches/gen_images.py --images N --seed S --imagegen PATH OUT

writes OUT/kudos (a kudos site) and OUT/hugo (a Hugo site whose image render hook makes
the same widths and formats kudos does: 480, 960 and 1600 px, each as WebP q80 and in the
image's own format, q80 for JPEG, Lanczos resampling) and OUT/zola (a Zola site whose
`picture` shortcode calls `resize_image(op="fit_width", quality=80)` for the same widths,
as WebP and as the image's own format; Zola resizes with Lanczos3). The image files are
the same bytes in all three (hard links), made by benches/imagegen.
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

ZOLA_CONFIG = """base_url = "https://example.com/"
title = "Image bench"
compile_sass = false
build_search_index = false
generate_feeds = false
"""

# The same element as the others, through Zola's resize_image (a page bundle's photo is
# found under content/). Every photo is wider than 1600 px, as Hugo's hook checks.
ZOLA_SHORTCODE = """{%- if path is ending_with(".png") -%}{%- set_global fmt = "png" -%}{%- else -%}{%- set_global fmt = "jpg" -%}{%- endif -%}
{%- set_global webp = [] -%}{%- set_global fallback = [] -%}
{%- for w in [480, 960, 1600] -%}
{%- set a = resize_image(path=path, width=w, op="fit_width", format="webp", quality=80) -%}
{%- set b = resize_image(path=path, width=w, op="fit_width", format=fmt, quality=80) -%}
{%- set_global webp = webp | concat(with=a.url ~ " " ~ a.width ~ "w") -%}
{%- set_global fallback = fallback | concat(with=b.url ~ " " ~ b.width ~ "w") -%}
{%- set_global largest = b -%}
{%- endfor -%}
<picture><source type="image/webp" srcset="{{ webp | join(sep=", ") | safe }}" sizes="(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)"><img src="{{ largest.url | safe }}" srcset="{{ fallback | join(sep=", ") | safe }}" sizes="(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)" width="{{ largest.width }}" height="{{ largest.height }}" alt="{{ alt }}" loading="lazy" decoding="async"></picture>
"""
ZOLA_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head><body><h1>{{ page.title }}</h1>{{ page.content | safe }}</body></html>
"""
ZOLA_LIST = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ section.title }}</title></head><body><h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul></body></html>
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
    zola = os.path.join(args.out, "zola")
    write(os.path.join(zola, "zola.toml"), ZOLA_CONFIG)
    write(os.path.join(zola, "templates", "shortcodes", "picture.html"), ZOLA_SHORTCODE)
    write(os.path.join(zola, "templates", "page.html"), ZOLA_PAGE)
    write(os.path.join(zola, "templates", "section.html"), ZOLA_LIST)
    write(os.path.join(zola, "templates", "index.html"), ZOLA_LIST)
    write(os.path.join(zola, "content", "_index.md"), '+++\ntitle = "Image bench"\n+++\n')
    write(os.path.join(zola, "content", "posts", "_index.md"), '+++\ntitle = "Posts"\n+++\n')
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
        zola_body = ("A post with one photo.\n\n"
                     f'{{{{ picture(path="posts/p{i:04}/{name}", alt="Photo number {i}") }}}}\n')
        for tool, text in (("kudos", body), ("hugo", body), ("zola", zola_body)):
            bundle = os.path.join(args.out, tool, "content", "posts", f"p{i:04}")
            write(os.path.join(bundle, "index.md"), f"+++\n{front}+++\n\n{text}")
            target = os.path.join(bundle, name)
            if not os.path.exists(target):
                os.link(source, target)


if __name__ == "__main__":
    main()
