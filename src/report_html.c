/*
 * The report as one self-contained HTML page: inline CSS, inline SVG
 * charts, one small inline script that sorts the tables; nothing fetched
 * from anywhere (its Content-Security-Policy forbids it, and allows only
 * this page's own script and style, by hash).  Every number is written
 * with data-v="PATH", PATH its place in the report's JSON, so a test can
 * hold the page to the JSON; free text carries data-text.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "report.h"
#include "../lib/common/text.h"

/* Colours of the kinds, the same in every chart and legend. */
#define C_LSC	"#2b6cb0"
#define C_MIC	"#c27c0e"
#define C_NONE	"#c53030"
#define C_ANCH	"#4a5568"
#define C_INTER	"#805ad5"
#define C_LOST	"#9b2c2c"
#define C_OK	"#2f855a"

static const char style_text[] =
"\n:root{--fg:#1a202c;--mute:#4a5568;--line:#cbd5e0;--bg:#fff;--band:#f7fafc}"
"\n*{box-sizing:border-box}"
"\nbody{margin:0 auto;max-width:1320px;padding:12px 20px 32px;"
"font:14px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\","
"sans-serif;color:var(--fg);background:var(--bg)}"
"\nh1{font-size:22px;margin:4px 0 2px}"
"\nh2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid var(--line);"
"padding-bottom:3px}"
"\nh3{font-size:14px;margin:0 0 6px}"
"\n.meta{color:var(--mute);margin:0 0 4px}"
"\n.change{margin:6px 0;padding:6px 10px;background:#fffaf0;"
"border-left:4px solid " C_MIC "}"
"\n.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}"
"\n.card{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;"
"padding:8px 12px;background:var(--band)}"
"\n.card b{display:block;font-size:26px;line-height:1.1}"
"\n.card.bad b{color:" C_NONE "}"
"\n.card span{color:var(--mute);font-size:12px}"
"\n.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}"
"\n@media (max-width:900px){.grid{grid-template-columns:1fr}}"
"\nfigure{margin:0;border:1px solid var(--line);border-radius:6px;"
"padding:10px 12px;break-inside:avoid}"
"\nfigcaption{color:var(--mute);font-size:12px;margin-top:4px}"
"\nsvg{display:block;width:100%;height:auto}"
"\nsvg text{font-family:inherit}"
"\n.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;"
"margin:4px 0;padding:0;list-style:none}"
"\n.legend i{display:inline-block;width:11px;height:11px;margin-right:4px;"
"vertical-align:-1px;border-radius:2px}"
"\n.k-lsc{background:" C_LSC "}.k-mic{background:" C_MIC "}"
".k-none{background:" C_NONE "}.k-anch{background:" C_ANCH "}"
".k-inter{background:" C_INTER "}.k-lost{background:" C_LOST "}"
".k-ok{background:" C_OK "}"
"\ntable{border-collapse:collapse;width:100%;font-size:13px}"
"\nth,td{border-bottom:1px solid var(--line);padding:3px 6px;"
"text-align:left;vertical-align:top}"
"\ntd.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
"\nthead th{position:sticky;top:0;background:#edf2f7}"
"\nth button{font:inherit;font-weight:600;border:0;background:none;"
"padding:0;cursor:pointer;color:inherit;text-align:inherit}"
"\nth[aria-sort=ascending] button::after{content:\" \\25B2\"}"
"\nth[aria-sort=descending] button::after{content:\" \\25BC\"}"
"\ntbody tr:nth-child(even){background:var(--band)}"
"\n.scroll{max-height:70vh;overflow:auto;border:1px solid var(--line)}"
"\n.tag{display:inline-block;padding:0 5px;border-radius:3px;color:#fff;"
"font-size:12px}"
"\n.none{color:var(--mute)}td.bad{color:" C_NONE ";font-weight:600}"
"\ncode{font-size:12px;overflow-wrap:anywhere}"
"\n#phones td:first-child{min-width:9.5em;max-width:16em}"
"\n#phones td:nth-child(2),time{white-space:nowrap}"
"\n#steps td:nth-child(3),#steps td:nth-child(4){min-width:9.5em;"
"overflow-wrap:anywhere}"
"\nfooter{margin-top:24px;color:var(--mute);font-size:12px}"
"\n@media print{"
"@page{size:A4 landscape;margin:10mm}"
"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
"body{max-width:none;padding:0;font-size:10pt}"
".scroll{max-height:none;overflow:visible;border:0}"
"thead{display:table-header-group}thead th{position:static}"
"tr,figure,.card{break-inside:avoid}"
"h2{break-after:avoid}"
"th button::after{content:none!important}"
"}\n";

/*
 * Sorting, on a click of a column's header: by data-sort when a cell has
 * one (numbers, dates), else by its text; again reverses.  Printing opens
 * the figures a reader folded away.  Reads only
 * the DOM the page was written with, so nothing from a certificate is
 * ever code.
 */
static const char script_text[] =
"\n(function(){"
"\nfunction key(c,num){var v=c.getAttribute('data-sort');"
"if(v===null)v=c.textContent;return num?Number(v):v;}"
"\nfunction sort(t,i,th){"
"var up=th.getAttribute('aria-sort')!=='ascending',num=th.classList.contains('n'),"
"b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);"
"Array.prototype.forEach.call(t.tHead.rows[0].cells,function(c){"
"c.removeAttribute('aria-sort');});"
"th.setAttribute('aria-sort',up?'ascending':'descending');"
"rows.sort(function(x,y){var a=key(x.cells[i],num),c=key(y.cells[i],num),"
"d=num?a-c:(a<c?-1:a>c?1:0);return up?d:-d;});"
"var f=document.createDocumentFragment();"
"rows.forEach(function(r){f.appendChild(r);});b.appendChild(f);}"
"\nArray.prototype.forEach.call(document.querySelectorAll('table.sortable'),"
"function(t){Array.prototype.forEach.call(t.tHead.rows[0].cells,"
"function(th,i){var b=document.createElement('button');b.type='button';"
"while(th.firstChild)b.appendChild(th.firstChild);th.appendChild(b);"
"b.addEventListener('click',function(){sort(t,i,th);});});});"
"\nwindow.addEventListener('beforeprint',function(){"
"Array.prototype.forEach.call(document.querySelectorAll('details'),"
"function(d){d.open=true;});});"
"\ndocument.documentElement.setAttribute('data-ready','1');"
"\n})();\n";

/*
 * s as HTML text or a double-quoted attribute value: the five markup
 * characters as entities; characters unsafe on a screen (controls, bidi
 * marks, lib/text.h) and bytes that are not UTF-8 shown as \XX per byte,
 * as the text output shows them.  NULL: "-".
 */
static void
html_n(FILE *f, const char *s, size_t len)
{
	const unsigned char *p, *end;
	unsigned long cp;
	size_t n, k;

	p = (const unsigned char *)s;
	for (end = p + len; p < end; p += n) {
		/* a sequence never spans the end: it stops before a '\n' */
		if ((n = pt_utf8_char(p, &cp)) == 0 || pt_text_unsafe(cp)) {
			if (n == 0)
				n = 1;
			for (k = 0; k < n; k++)
				fprintf(f, "\\%02X", p[k]);
			continue;
		}
		switch (cp) {
		case '&':	fputs("&amp;", f);	break;
		case '<':	fputs("&lt;", f);	break;
		case '>':	fputs("&gt;", f);	break;
		case '"':	fputs("&quot;", f);	break;
		case '\'':	fputs("&#39;", f);	break;
		default:	fwrite(p, 1, n, f);	break;
		}
	}
}

static void
html(FILE *f, const char *s)
{
	if (s == NULL)
		fputc('-', f);
	else
		html_n(f, s, strlen(s));
}

/* Text of several lines (the change, one step a line): <br> between. */
static void
html_lines(FILE *f, const char *s)
{
	const char *nl;

	while ((nl = strchr(s, '\n')) != NULL) {
		html_n(f, s, (size_t)(nl - s));
		if (nl[1] != '\0')
			fputs("<br>", f);
		s = nl + 1;
	}
	html(f, s);
}

/* A number with its JSON path: <TAG data-v="PATH">N</TAG>. */
static void
num(FILE *f, const char *tag, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
num(FILE *f, const char *tag, size_t n, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "<%s data-v=\"", tag);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, "\">%zu</%s>", n, tag);
}

static void
day(FILE *f, time_t t)
{
	char buf[16];
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) == 0) {
		fputs("<span class=\"none\">unknown</span>", f);
		return;
	}
	fprintf(f, "<time data-text datetime=\"%s\">%s</time>", buf, buf);
}

/* 'sha256-BASE64' of s, for the Content-Security-Policy. */
static int
csp_hash(const char *s, char *out, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (len < 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1 ||
	    EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	return 0;
}

static size_t
kinds_total(const size_t k[REPORT_NKINDS])
{
	return k[REPORT_LSC] + k[REPORT_MIC] + k[REPORT_NONE];
}

static void
legend(FILE *f, int anchors)
{
	fputs("<ul class=\"legend\"><li><i class=\"k-lsc\"></i>LSC</li>"
	    "<li><i class=\"k-mic\"></i>MIC</li>", f);
	if (anchors)
		fputs("<li><i class=\"k-anch\"></i>anchors</li>"
		    "<li><i class=\"k-inter\"></i>intermediate CAs</li>"
		    "<li><i class=\"k-lost\"></i>phones left without a "
		    "usable certificate</li>", f);
	else
		fputs("<li><i class=\"k-none\"></i>refused (no usable "
		    "certificate)</li>", f);
	fputs("</ul>\n", f);
}

/*
 * One horizontal bar of LSC / MIC / none, at y, width w for total;
 * numbers written in the segments wide enough to hold them.  path: the
 * JSON object of the counts ("purposes.0.before").
 */
static void
kind_bar(FILE *f, double x0, double y, double w, double h, size_t total,
    const size_t k[REPORT_NKINDS], const char *path)
{
	static const char *const colour[REPORT_NKINDS] = {
		C_LSC, C_MIC, C_NONE
	};
	double x = x0, sw;
	int i;

	if (total == 0) {
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"none\" stroke=\"#cbd5e0\"/>\n",
		    x0, y, w, h);
		return;
	}
	for (i = 0; i < REPORT_NKINDS; i++) {
		if (k[i] == 0)
			continue;
		sw = w * (double)k[i] / (double)total;
		if (sw < 1.5)
			sw = 1.5;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\" data-v=\"%s.%s\" "
		    "data-n=\"%zu\"><title>%s: %zu</title></rect>\n", x, y, sw,
		    h, colour[i], path, report_kind_name(i), k[i],
		    i == REPORT_NONE ? "refused" : i == REPORT_LSC ? "LSC" :
		    "MIC", k[i]);
		/* about 7 units a digit at font-size 12 */
		if (sw >= 9.0 + 7.0 * (k[i] >= 10000 ? 5 : k[i] >= 1000 ? 4 :
		    k[i] >= 100 ? 3 : k[i] >= 10 ? 2 : 1)) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
			    "fill=\"#fff\" text-anchor=\"middle\" "
			    "data-v=\"%s.%s\">%zu</text>\n", x + sw / 2,
			    y + h / 2 + 4, path, report_kind_name(i), k[i]);
		}
		x += sw;
	}
}

/* Who presents what, per purpose: before, and after the change. */
static void
chart_breakdown(FILE *f, const struct report *r)
{
	const double x0 = 170, w = 410, bh = 20;
	double y = 8, h;
	char path[64];
	size_t i, total, max = 1;
	int with_after = r->change != NULL;

	for (i = 0; i < r->npurposes; i++) {
		if ((total = kinds_total(r->purposes[i].before)) > max)
			max = total;
		if (with_after && (total = kinds_total(r->purposes[i].after)) >
		    max)
			max = total;
	}
	h = 16 + (double)r->npurposes * (with_after ? 2 * bh + 18 : bh + 14);
	fputs("<figure id=\"breakdown\"><h3>Who presents what, per "
	    "purpose</h3>\n", f);
	legend(f, 0);
	fprintf(f, "<svg viewBox=\"0 0 600 %.0f\" role=\"img\" "
	    "aria-label=\"phones trusted with their LSC, with their MIC, and "
	    "refused, per purpose\">\n", h);
	for (i = 0; i < r->npurposes; i++) {
		const struct report_purpose *p = &r->purposes[i];

		/* with a change the name stands left of "before" / "after" */
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"13\" "
		    "text-anchor=\"end\" data-text>", x0 - (with_after ? 48 : 8),
		    y + bh / 2 + (with_after ? 14 : 4));
		html(f, p->name);
		fputs("</text>\n", f);
		if (with_after)
			fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
			    "text-anchor=\"end\" fill=\"#4a5568\">before"
			    "</text>\n", x0 - 6, y + bh / 2 + 4);
		snprintf(path, sizeof(path), "purposes.%zu.before", i);
		total = kinds_total(p->before);
		kind_bar(f, x0, y, w * (double)total / (double)max, bh, total,
		    p->before, path);
		y += bh + 4;
		if (with_after) {
			fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
			    "text-anchor=\"end\" fill=\"#4a5568\">after</text>\n",
			    x0 - 6, y + bh / 2 + 4);
			snprintf(path, sizeof(path), "purposes.%zu.after", i);
			total = kinds_total(p->after);
			kind_bar(f, x0, y, w * (double)total / (double)max, bh,
			    total, p->after, path);
			y += bh + 4;
		}
		y += 10;
	}
	fputs("</svg>\n<figcaption>Bars are phones; a phone presents its LSC "
	    "whenever it holds one, its MIC otherwise.</figcaption></figure>\n",
	    f);
}

/* What the change does, per purpose: phones it breaks, phones it fixes. */
static void
chart_impact(FILE *f, const struct report *r)
{
	/* names in 0..140, broken bars leftwards from mid, fixed rightwards */
	const double mid = 370, half = 190, bh = 18;
	double y = 26, h, bw;
	size_t i, max = 1;

	fputs("<figure id=\"impact\"><h3>Impact of the planned change</h3>\n",
	    f);
	if (r->change == NULL) {
		fputs("<p class=\"none\">No change planned: give one to "
		    "<code>phonetrust report</code> (see <code>phonetrust "
		    "plan</code>) to see which phones it breaks.</p>"
		    "</figure>\n", f);
		return;
	}
	for (i = 0; i < r->npurposes; i++) {
		if (r->purposes[i].broken > max)
			max = r->purposes[i].broken;
		if (r->purposes[i].fixed > max)
			max = r->purposes[i].fixed;
	}
	h = y + (double)r->npurposes * (bh + 12) + 4;
	fputs("<ul class=\"legend\"><li><i class=\"k-none\"></i>phones it "
	    "breaks (trusted before, refused after)</li><li><i "
	    "class=\"k-ok\"></i>phones it fixes (refused before, trusted "
	    "after)</li></ul>\n", f);
	fprintf(f, "<svg viewBox=\"0 0 600 %.0f\" role=\"img\" "
	    "aria-label=\"phones the change breaks and fixes, per purpose\">\n",
	    h);
	fprintf(f, "<text x=\"%.0f\" y=\"14\" font-size=\"11\" "
	    "text-anchor=\"end\" fill=\"" C_NONE "\">&#8592; breaks</text>\n"
	    "<text x=\"%.0f\" y=\"14\" font-size=\"11\" fill=\"" C_OK "\">"
	    "fixes &#8594;</text>\n", mid - 6, mid + 6);
	fprintf(f, "<line x1=\"%.0f\" y1=\"20\" x2=\"%.0f\" y2=\"%.0f\" "
	    "stroke=\"#718096\"/>\n", mid, mid, h);
	for (i = 0; i < r->npurposes; i++) {
		const struct report_purpose *p = &r->purposes[i];

		fprintf(f, "<text x=\"4\" y=\"%.1f\" font-size=\"13\" "
		    "data-text>", y + bh / 2 + 4);
		html(f, p->name);
		fputs("</text>\n", f);
		bw = half * (double)p->broken / (double)max;
		if (p->broken > 0 && bw < 1.5)
			bw = 1.5;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.0f\" fill=\"" C_NONE "\" "
		    "data-v=\"purposes.%zu.broken\" data-n=\"%zu\">"
		    "<title>breaks: %zu</title></rect>\n", mid - bw, y, bw, bh,
		    i, p->broken, p->broken);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
		    "text-anchor=\"end\" data-v=\"purposes.%zu.broken\">%zu"
		    "</text>\n", mid - bw - 4,
		    y + bh / 2 + 4, i, p->broken);
		bw = half * (double)p->fixed / (double)max;
		if (p->fixed > 0 && bw < 1.5)
			bw = 1.5;
		fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.0f\" fill=\"" C_OK "\" "
		    "data-v=\"purposes.%zu.fixed\" data-n=\"%zu\">"
		    "<title>fixes: %zu</title></rect>\n", mid, y, bw, bh, i,
		    p->fixed, p->fixed);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
		    "data-v=\"purposes.%zu.fixed\">%zu</text>\n",
		    mid + bw + 4, y + bh / 2 + 4, i,
		    p->fixed);
		y += bh + 12;
	}
	fputs("</svg>\n<figcaption data-text>", f);
	html_lines(f, r->change);
	fputs("</figcaption></figure>\n", f);
}

/* The per-purpose figures of both charts, readable without hovering. */
static void
table_purposes(FILE *f, const struct report *r)
{
	static const char *const side[2] = { "before", "after" };
	size_t i;
	int s, k, sides = r->change != NULL ? 2 : 1;

	fputs("<details open><summary>Per purpose, in figures</summary>"
	    "<table id=\"purposes\"><thead>", f);
	if (sides > 1)
		fputs("<tr><th></th><th colspan=\"3\" class=\"n\">before"
		    "</th><th colspan=\"3\" class=\"n\">after</th>"
		    "<th colspan=\"2\" class=\"n\">the change</th></tr>", f);
	fputs("<tr><th>purpose</th>", f);
	for (s = 0; s < sides; s++)
		fputs("<th class=\"n\">LSC</th><th class=\"n\">MIC</th>"
		    "<th class=\"n\">refused</th>", f);
	if (sides > 1)
		fputs("<th class=\"n\">breaks</th><th class=\"n\">fixes</th>",
		    f);
	fputs("</tr>", f);
	fputs("</thead><tbody>\n", f);
	for (i = 0; i < r->npurposes; i++) {
		const struct report_purpose *p = &r->purposes[i];

		fputs("<tr><td data-text>", f);
		html(f, p->name);
		fputs("</td>", f);
		for (s = 0; s < sides; s++)
			for (k = 0; k < REPORT_NKINDS; k++) {
				fputs("<td class=\"n\">", f);
				num(f, "span", (s == 0 ? p->before : p->after)[k],
				    "purposes.%zu.%s.%s", i, side[s],
				    report_kind_name(k));
				fputs("</td>", f);
			}
		if (sides > 1) {
			fputs("<td class=\"n\">", f);
			num(f, "span", p->broken, "purposes.%zu.broken", i);
			fputs("</td><td class=\"n\">", f);
			num(f, "span", p->fixed, "purposes.%zu.fixed", i);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></details>\n", f);
}

static long
month_key(const struct report_month *m)
{
	return (long)m->year * 12 + m->month - 1;
}

/*
 * The expiry timeline: one column per calendar month from the first to
 * the last that has anything, certificates stacked by kind; below, on
 * its own scale, the phones left without a usable certificate.
 */
static void
chart_timeline(FILE *f, const struct report *r)
{
	const double x0 = 40, pw = 1140, top = 10, mh = 170, gap = 26,
	    lh = 60;
	static const char *const colour[4] = { C_LSC, C_MIC, C_ANCH,
	    C_INTER };
	long first, last, k;
	size_t i, n, max = 1, lmax = 1, v[4];
	double cw, x, y, sh;
	struct tm tm;
	int s;

	fputs("<figure id=\"timeline\"><h3>What expires when, month by "
	    "month</h3>\n", f);
	legend(f, 1);
	if (r->nmonths == 0) {
		fputs("<p class=\"none\">Nothing in the fleet or the stores "
		    "expires.</p></figure>\n", f);
		return;
	}
	first = month_key(&r->months[0]);
	last = month_key(&r->months[r->nmonths - 1]);
	n = (size_t)(last - first + 1);
	/* a few months must not make columns wider than a bar should be */
	cw = pw / (double)n < 40 ? pw / (double)n : 40;
	for (i = 0; i < r->nmonths; i++) {
		const struct report_month *m = &r->months[i];
		size_t t = m->lsc + m->mic + m->anchors + m->intermediates;

		if (t > max)
			max = t;
		if (m->phones_lost > lmax)
			lmax = m->phones_lost;
	}
	fprintf(f, "<svg viewBox=\"0 0 1200 %.0f\" role=\"img\" "
	    "aria-label=\"certificates ending each month, and phones left "
	    "without a usable certificate\">\n", top + mh + gap + lh + 22);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "fill=\"#4a5568\" transform=\"rotate(-90 12 %.0f)\" "
	    "text-anchor=\"middle\">certificates</text>\n", 12.0,
	    top + mh / 2, top + mh / 2);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" "
	    "fill=\"#4a5568\" transform=\"rotate(-90 12 %.0f)\" "
	    "text-anchor=\"middle\">phones</text>\n", 12.0,
	    top + mh + gap + lh / 2, top + mh + gap + lh / 2);
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
	    "stroke=\"#718096\"/>\n", x0, top + mh, x0 + pw, top + mh);
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" "
	    "stroke=\"#718096\"/>\n", x0, top + mh + gap + lh, x0 + pw,
	    top + mh + gap + lh);
	/*
	 * A tick and the year at each January; the first month's year too
	 * when the first January leaves room for it (30 units).
	 */
	for (k = first; k <= last; k++) {
		if (k % 12 != 0 && k != first)
			continue;
		x = x0 + (double)(k - first) * cw;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
		    "y2=\"%.0f\" stroke=\"#e2e8f0\"/>\n", x, top, x,
		    top + mh + 5);
		if (k % 12 == 0 || (double)(12 - k % 12) * cw >= 30 ||
		    last < k - k % 12 + 12)
			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" "
			    "font-size=\"11\" fill=\"#4a5568\" data-text>%ld"
			    "</text>\n", x + 1, top + mh + 16, k / 12);
	}
	/* where the fleet was judged: "now", or the --at time */
	if (r->at != 0 && gmtime_r(&r->at, &tm) != NULL &&
	    (k = (long)(tm.tm_year + 1900) * 12 + tm.tm_mon) >= first &&
	    k <= last) {
		x = x0 + ((double)(k - first) + (tm.tm_mday - 1) / 31.0) * cw;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
		    "y2=\"%.0f\" stroke=\"#2d3748\" stroke-dasharray=\"3 3\"/>"
		    "\n<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" "
		    "fill=\"#2d3748\">judged</text>\n", x, top, x,
		    top + mh + gap + lh, x + 3, top + 9);
	}
	for (i = 0; i < r->nmonths; i++) {
		const struct report_month *m = &r->months[i];

		x = x0 + (double)(month_key(m) - first) * cw;
		v[0] = m->lsc;
		v[1] = m->mic;
		v[2] = m->anchors;
		v[3] = m->intermediates;
		fprintf(f, "<g data-month=\"%04d-%02d\"><title>%04d-%02d: "
		    "LSC %zu, MIC %zu, anchors %zu, intermediate CAs %zu; "
		    "phones left without a usable certificate %zu</title>\n",
		    m->year, m->month, m->year, m->month, m->lsc, m->mic,
		    m->anchors, m->intermediates, m->phones_lost);
		y = top + mh;
		for (s = 0; s < 4; s++) {
			static const char *const key[4] = { "lsc", "mic",
			    "anchors", "intermediates" };

			if (v[s] == 0)
				continue;
			sh = mh * (double)v[s] / (double)max;
			if (sh < 2)
				sh = 2;	/* one anchor still shows */
			y -= sh;
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			    "height=\"%.2f\" fill=\"%s\" "
			    "data-v=\"expiry.%zu.%s\" data-n=\"%zu\"/>\n",
			    x + cw * 0.1, y, cw * 0.8 > 1 ? cw * 0.8 : 1, sh,
			    colour[s], i, key[s], v[s]);
		}
		if (m->phones_lost > 0) {
			sh = lh * (double)m->phones_lost / (double)lmax;
			if (sh < 2)
				sh = 2;
			fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			    "height=\"%.2f\" fill=\"" C_LOST "\" "
			    "data-v=\"expiry.%zu.phones_lost\" data-n=\"%zu\"/>"
			    "\n", x + cw * 0.1, top + mh + gap + lh - sh,
			    cw * 0.8 > 1 ? cw * 0.8 : 1, sh, i, m->phones_lost);
		}
		fputs("</g>\n", f);
	}
	fputs("</svg>\n<figcaption>Each column is a calendar month (UTC); "
	    "hover a column for its figures, or read the table below. Columns "
	    "are to scale within each of the two strips.</figcaption>\n", f);
	/* the same figures, readable without hovering, and printed */
	fputs("<details open><summary>Months with something ending</summary>"
	    "<div class=\"scroll\"><table class=\"sortable\" id=\"months\">"
	    "<thead><tr><th>month</th><th class=\"n\">LSC</th>"
	    "<th class=\"n\">MIC</th><th class=\"n\">anchors</th>"
	    "<th class=\"n\">intermediate CAs</th><th class=\"n\">phones left "
	    "without a usable certificate</th></tr></thead><tbody>\n", f);
	for (i = 0; i < r->nmonths; i++) {
		const struct report_month *m = &r->months[i];

		fprintf(f, "<tr><td><time data-text datetime=\"%04d-%02d\">"
		    "%04d-%02d</time></td>", m->year, m->month, m->year,
		    m->month);
		fprintf(f, "<td class=\"n\" data-sort=\"%zu\">", m->lsc);
		num(f, "span", m->lsc, "expiry.%zu.lsc", i);
		fprintf(f, "</td><td class=\"n\" data-sort=\"%zu\">", m->mic);
		num(f, "span", m->mic, "expiry.%zu.mic", i);
		fprintf(f, "</td><td class=\"n\" data-sort=\"%zu\">",
		    m->anchors);
		num(f, "span", m->anchors, "expiry.%zu.anchors", i);
		fprintf(f, "</td><td class=\"n\" data-sort=\"%zu\">",
		    m->intermediates);
		num(f, "span", m->intermediates, "expiry.%zu.intermediates",
		    i);
		fprintf(f, "</td><td class=\"n\" data-sort=\"%zu\">",
		    m->phones_lost);
		num(f, "span", m->phones_lost, "expiry.%zu.phones_lost", i);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div></details></figure>\n", f);
}

/* The kind tag's colour is in its class, not a style (CSP). */
static const char *
kind_class(enum report_kind k)
{
	return k == REPORT_LSC ? "k-lsc" : k == REPORT_MIC ? "k-mic" :
	    "k-none";
}

static void
kind_cell(FILE *f, enum report_kind k)
{
	fprintf(f, "<td data-sort=\"%s\"><span class=\"tag %s\" data-text "
	    "data-kind=\"%s\">%s</span></td>", report_kind_name(k),
	    kind_class(k), report_kind_name(k), k == REPORT_LSC ? "LSC" :
	    k == REPORT_MIC ? "MIC" : "refused");
}

static void
table_steps(FILE *f, const struct report *r)
{
	size_t i;

	if (r->change == NULL || r->nsteps == 0)
		return;
	fputs("<h2 id=\"order\">The safe order of the change</h2>\n"
	    "<p>Do the steps in this order. A step with phones blocking it "
	    "stops them working if done now: each of them needs what the "
	    "table of phones below says (marked <strong>blocks</strong>) "
	    "first.</p>\n<table id=\"steps\"><thead><tr><th class=\"n\">"
	    "step</th><th>what</th><th>store</th><th>certificate</th>"
	    "<th class=\"n\">phones blocking it</th></tr></thead>"
	    "<tbody>\n", f);
	for (i = 0; i < r->nsteps; i++) {
		const struct report_step *s = &r->steps[i];

		fprintf(f, "<tr><td class=\"n\" data-text>%zu</td>"
		    "<td data-text>", i + 1);
		html(f, s->text);
		fputs("</td><td data-text>", f);
		html(f, s->store);
		fputs("</td><td data-text>", f);
		html(f, s->anchor);
		fprintf(f, "</td><td class=\"n%s\">", s->blocking > 0 ?
		    " bad" : "");
		num(f, "span", s->blocking, "steps.%zu.blocking", i);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* Why phones need action, per purpose: the whole fleet at a glance. */
static void
table_diags(FILE *f, const struct report *r)
{
	size_t i, k;

	if (r->ndiags == 0)
		return;
	fputs("<table id=\"diagnoses\" class=\"sortable\"><thead><tr>"
	    "<th>why</th>", f);
	for (k = 0; k < r->npurposes; k++) {
		fputs("<th class=\"n\" data-text>", f);
		html(f, r->purposes[k].name);
		fputs("</th>", f);
	}
	fputs("<th class=\"n\">all purposes</th></tr></thead><tbody>\n", f);
	for (i = 0; i < r->ndiags; i++) {
		const struct report_diag *d = &r->diags[i];

		fputs("<tr><td data-text>", f);
		html(f, d->diagnosis);
		fputs("</td>", f);
		for (k = 0; k < r->npurposes; k++) {
			fprintf(f, "<td class=\"n\" data-sort=\"%zu\">",
			    d->counts[k]);
			num(f, "span", d->counts[k], "diagnoses.%zu.counts.%zu",
			    i, k);
			fputs("</td>", f);
		}
		fprintf(f, "<td class=\"n\" data-sort=\"%zu\">", d->total);
		num(f, "span", d->total, "diagnoses.%zu.total", i);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/*
 * The most urgent first, when not all rows fit: phones blocking the
 * change, then those it breaks, then by the end of their last usable
 * certificate (unknown last), then as loaded.
 */
static const struct report *urgent_r;

static int
urgency(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct report_phone *x = &urgent_r->actions[i];
	const struct report_phone *y = &urgent_r->actions[j];
	int bx = x->before != REPORT_NONE && x->after == REPORT_NONE;
	int by = y->before != REPORT_NONE && y->after == REPORT_NONE;

	if (x->blocks != y->blocks)
		return y->blocks - x->blocks;
	if (urgent_r->change != NULL && bx != by)
		return by - bx;
	if (x->last_usable != y->last_usable) {
		if (x->last_usable == 0 || y->last_usable == 0)
			return x->last_usable == 0 ? 1 : -1;
		return x->last_usable < y->last_usable ? -1 : 1;
	}
	return i < j ? -1 : i > j;
}

static int
table_actions(FILE *f, const struct report *r)
{
	char buf[16];
	struct tm tm;
	size_t i, k, n, *order;
	int with_after = r->change != NULL;

	fputs("<h2 id=\"actions\">Phones that need action</h2>\n", f);
	if (r->nactions == 0) {
		fputs("<p class=\"none\">None: every phone is trusted for "
		    "every purpose", f);
		fputs(with_after ? ", before and after the change.</p>\n" :
		    ".</p>\n", f);
		return 0;
	}
	table_diags(f, r);
	if ((order = calloc(r->nactions, sizeof(*order))) == NULL)
		return -1;
	for (i = 0; i < r->nactions; i++)
		order[i] = i;
	n = r->nactions;
	if (n > REPORT_HTML_ROWS) {
		/* one report at a time: qsort has no context argument */
		urgent_r = r;
		qsort(order, r->nactions, sizeof(*order), urgency);
		urgent_r = NULL;
		n = REPORT_HTML_ROWS;
		fprintf(f, "<p><strong>The <span data-text>%zu</span> most "
		    "urgent of ", n);
		num(f, "span", r->nactions, "actions.length");
		fputs(" rows</strong> (phone by purpose): those blocking the "
		    "change first, then those it breaks, then by the end of "
		    "their last usable certificate. <code>phonetrust report "
		    "--csv</code> lists them all.</p>\n", f);
	}
	fputs("<p>Click a column's header to sort by it.</p>\n"
	    "<div class=\"scroll\"><table class=\"sortable\" id=\"phones\">"
	    "<thead><tr><th>device</th><th>purpose</th><th>now</th>", f);
	if (with_after)
		fputs("<th>after</th>", f);
	fputs("<th>why</th><th>what to do</th><th>evidence</th>"
	    "<th>last usable until</th></tr></thead><tbody>\n", f);
	for (k = 0; k < n; k++) {
		const struct report_phone *p = &r->actions[order[k]];

		fprintf(f, "<tr data-i=\"%zu\"><td data-text><code>",
		    order[k]);
		html(f, p->device);
		fputs("</code></td><td data-text>", f);
		html(f, p->purpose);
		fputs("</td>", f);
		kind_cell(f, p->before);
		if (with_after)
			kind_cell(f, p->after);
		fputs("<td data-text>", f);
		html(f, p->diagnosis);
		if (p->blocks)
			fputs(" <strong>blocks</strong>", f);
		fputs("</td><td data-text>", f);
		html(f, p->fix);
		fputs("</td><td data-text>", f);
		html(f, p->evidence);
		/* unknown sorts last */
		if (p->last_usable != 0 && gmtime_r(&p->last_usable, &tm) !=
		    NULL && strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) != 0)
			fprintf(f, "</td><td data-sort=\"%s\">", buf);
		else
			fputs("</td><td data-sort=\"9999\">", f);
		day(f, p->last_usable);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
	free(order);
	return 0;
}

static size_t
first_loss(const struct report *r)
{
	size_t i;

	for (i = 0; i < r->nmonths; i++)
		if (r->months[i].phones_lost > 0)
			return i;
	return (size_t)-1;
}

static void
card(FILE *f, int bad, const char *path, size_t n, const char *what)
{
	fprintf(f, "<div class=\"card%s\">", bad ? " bad" : "");
	num(f, "b", n, "%s", path);
	fprintf(f, "<span>%s</span></div>\n", what);
}

static void
cards(FILE *f, const struct report *r, size_t needing)
{
	size_t lost = first_loss(r);

	fputs("<div class=\"cards\" id=\"summary\">\n", f);
	card(f, 0, "phones", r->phones, "phones in the fleet");
	card(f, needing > 0, "phones_needing_action", needing,
	    "phones needing action");
	if (r->change != NULL) {
		card(f, report_broken(r) > 0, "broken", report_broken(r),
		    "refusals the change causes (phones &#215; purposes)");
		card(f, r->blocking > 0, "blocking", r->blocking,
		    "phones that need something before the change can be "
		    "done");
	}
	if (lost != (size_t)-1) {
		fputs("<div class=\"card bad\">", f);
		num(f, "b", r->months[lost].phones_lost,
		    "expiry.%zu.phones_lost", lost);
		fprintf(f, "<span>phones left without a usable certificate in "
		    "<time data-text datetime=\"%04d-%02d\">%04d-%02d</time>"
		    "</span></div>\n", r->months[lost].year,
		    r->months[lost].month, r->months[lost].year,
		    r->months[lost].month);
	}
	if (r->problems > 0)
		card(f, 1, "problems", r->problems, "inventory problems "
		    "(printed when loading: rows skipped, unknown issuers)");
	fputs("</div>\n", f);
}

int
report_write_html(FILE *f, const struct report *r)
{
	char sh[128], ch[128], when[32];
	struct tm tm;
	size_t needing;

	if (csp_hash(style_text, sh, sizeof(sh)) != 0 ||
	    csp_hash(script_text, ch, sizeof(ch)) != 0 ||
	    report_phones_needing_action(r, &needing) != 0)
		return -1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n", f);
	/* before anything it governs: nothing from the network, ever */
	fprintf(f, "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'sha256-%s'; "
	    "script-src 'sha256-%s'; img-src data:; base-uri 'none'; "
	    "form-action 'none'\">\n", sh, ch);
	fputs("<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"referrer\" "
	    "content=\"no-referrer\">\n<title>Phone certificates: ", f);
	html(f, r->cluster);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n",
	    style_text);
	fputs("<header><h1>Phone certificates</h1>\n<p class=\"meta\">"
	    "Cluster <code data-text>", f);
	html(f, r->cluster);
	fputs("</code>, fleet <code data-text>", f);
	html(f, r->fleet);
	fputs("</code>, judged as of ", f);
	day(f, r->at);
	if (r->generated != 0 && gmtime_r(&r->generated, &tm) != NULL &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) != 0)
		fprintf(f, "; made <time data-text datetime=\"%s\">%s</time>",
		    when, when);
	fputs("</p>\n", f);
	if (r->change != NULL) {
		fputs("<p class=\"change\"><strong>Planned change:</strong> "
		    "<span data-text>", f);
		html_lines(f, r->change);
		fputs("</span></p>\n", f);
	}
	fputs("</header>\n<main>\n", f);
	cards(f, r, needing);
	fputs("<div class=\"grid\">\n", f);
	chart_breakdown(f, r);
	chart_impact(f, r);
	fputs("</div>\n", f);
	table_purposes(f, r);
	fputs("<h2 id=\"expiry\">Expiry</h2>\n", f);
	chart_timeline(f, r);
	table_steps(f, r);
	if (table_actions(f, r) != 0)
		return -1;
	fprintf(f, "</main>\n<footer>Made by <span data-text>phonetrust "
	    "%s</span>. Verdicts are libphonetrust's; a verdict built on a "
	    "CUCM record rather than a certificate says so in the evidence "
	    "column.</footer>\n", PACKAGE_VERSION);
	fprintf(f, "<script>%s</script>\n</body>\n</html>\n", script_text);
	return ferror(f) ? -1 : 0;
}
