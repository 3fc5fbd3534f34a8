"""Language tags for HLS: ffprobe reports ISO 639-2 codes (``eng``, ``fre``/``fra``), HLS
wants RFC 5646 tags, which use the two-letter ISO 639-1 code wherever one exists (``en``,
``fr``). ``und`` (undetermined) when nothing is known.

The table is ISO 639-2's languages that have a two-letter code (from the iso-codes
project's ``iso_639-2.json``): two-letter code, terminology code, bibliographic code if it
differs, English name.
"""

from __future__ import annotations

import re

UNDETERMINED = "und"
_TABLE = """\
aa aar Afar
ab abk Abkhazian
af afr Afrikaans
ak aka Akan
am amh Amharic
ar ara Arabic
an arg Aragonese
as asm Assamese
av ava Avaric
ae ave Avestan
ay aym Aymara
az aze Azerbaijani
ba bak Bashkir
bm bam Bambara
be bel Belarusian
bn ben Bengali
bh bih Bihari languages
bi bis Bislama
bo bod tib Tibetan
bs bos Bosnian
br bre Breton
bg bul Bulgarian
ca cat Catalan
cs ces cze Czech
ch cha Chamorro
ce che Chechen
cu chu Church Slavic
cv chv Chuvash
kw cor Cornish
co cos Corsican
cr cre Cree
cy cym wel Welsh
da dan Danish
de deu ger German
dv div Divehi
dz dzo Dzongkha
el ell gre Greek
en eng English
eo epo Esperanto
et est Estonian
eu eus baq Basque
ee ewe Ewe
fo fao Faroese
fa fas per Persian
fj fij Fijian
fi fin Finnish
fr fra fre French
fy fry Western Frisian
ff ful Fulah
gd gla Gaelic
ga gle Irish
gl glg Galician
gv glv Manx
gn grn Guarani
gu guj Gujarati
ht hat Haitian
ha hau Hausa
he heb Hebrew
hz her Herero
hi hin Hindi
ho hmo Hiri Motu
hr hrv Croatian
hu hun Hungarian
hy hye arm Armenian
ig ibo Igbo
io ido Ido
ii iii Sichuan Yi
iu iku Inuktitut
ie ile Interlingue
ia ina Interlingua
id ind Indonesian
ik ipk Inupiaq
is isl ice Icelandic
it ita Italian
jv jav Javanese
ja jpn Japanese
kl kal Kalaallisut
kn kan Kannada
ks kas Kashmiri
ka kat geo Georgian
kr kau Kanuri
kk kaz Kazakh
km khm Central Khmer
ki kik Kikuyu
rw kin Kinyarwanda
ky kir Kirghiz
kv kom Komi
kg kon Kongo
ko kor Korean
kj kua Kuanyama
ku kur Kurdish
lo lao Lao
la lat Latin
lv lav Latvian
li lim Limburgan
ln lin Lingala
lt lit Lithuanian
lb ltz Luxembourgish
lu lub Luba-Katanga
lg lug Ganda
mh mah Marshallese
ml mal Malayalam
mr mar Marathi
mk mkd mac Macedonian
mg mlg Malagasy
mt mlt Maltese
mn mon Mongolian
mi mri mao Maori
ms msa may Malay
my mya bur Burmese
na nau Nauru
nv nav Navajo
nr nbl South Ndebele
nd nde North Ndebele
ng ndo Ndonga
ne nep Nepali
nl nld dut Dutch
nn nno Norwegian Nynorsk
nb nob Norwegian Bokmål
no nor Norwegian
ny nya Chichewa
oc oci Occitan
oj oji Ojibwa
or ori Oriya
om orm Oromo
os oss Ossetian
pa pan Panjabi
pi pli Pali
pl pol Polish
pt por Portuguese
ps pus Pushto
qu que Quechua
rm roh Romansh
ro ron rum Romanian
rn run Rundi
ru rus Russian
sg sag Sango
sa san Sanskrit
si sin Sinhala
sk slk slo Slovak
sl slv Slovenian
se sme Northern Sami
sm smo Samoan
sn sna Shona
sd snd Sindhi
so som Somali
st sot Southern Sotho
es spa Spanish
sq sqi alb Albanian
sc srd Sardinian
sr srp Serbian
ss ssw Swati
su sun Sundanese
sw swa Swahili
sv swe Swedish
ty tah Tahitian
ta tam Tamil
tt tat Tatar
te tel Telugu
tg tgk Tajik
tl tgl Tagalog
th tha Thai
ti tir Tigrinya
to ton Tonga
tn tsn Tswana
ts tso Tsonga
tk tuk Turkmen
tr tur Turkish
tw twi Twi
ug uig Uighur
uk ukr Ukrainian
ur urd Urdu
uz uzb Uzbek
ve ven Venda
vi vie Vietnamese
vo vol Volapük
wa wln Walloon
wo wol Wolof
xh xho Xhosa
yi yid Yiddish
yo yor Yoruba
za zha Zhuang
zh zho chi Chinese
zu zul Zulu
"""


def _load() -> tuple[dict[str, str], dict[str, str]]:
    to_two: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in _TABLE.splitlines():
        parts = line.split(" ")
        count = next(i for i, p in enumerate(parts) if not re.fullmatch(r"[a-z]{2,3}", p))
        codes = parts[:count]
        two = codes[0]
        for code in codes:
            to_two[code] = two
        names[two] = " ".join(parts[len(codes):])
    return to_two, names


_TO_TWO_LETTER, _NAMES = _load()
_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def hls_language(tag: str | None) -> str:
    """The RFC 5646 tag for a container's language tag: ``fre`` → ``fr``, ``en-US`` kept,
    missing, ``und`` or malformed → ``und``."""
    value = (tag or "").strip().replace("_", "-")
    if not value or not _TAG.fullmatch(value):
        return UNDETERMINED
    primary, _, rest = value.partition("-")
    primary = _TO_TWO_LETTER.get(primary.lower(), primary.lower())
    return f"{primary}-{rest}" if rest else primary


def language_name(tag: str) -> str:
    """An English name for the rendition's ``NAME`` (``Audio`` when the language is unknown)."""
    primary = tag.partition("-")[0]
    return _NAMES.get(primary, "Audio")
