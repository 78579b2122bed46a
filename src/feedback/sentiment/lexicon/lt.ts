import type { LanguageLexicon } from './types.ts';

/**
 * Lithuanian support-domain lexicon, written for cxkpi (MIT). Letters with diacritics are also
 * matched when typed without them (`aciu` is `ačiū`). One line per valence from -4 to +4;
 * `stem*` matches the inflected forms; quoted entries are phrases ("niekas neatsako"). A word
 * with the prefix `ne-`/`nebe-` whose rest is a lexicon word takes that word's valence turned.
 */
export const lt: LanguageLexicon = {
  entries: `
-4 blogiaus* šlykšt* bjaur* košmar* siaub* sukč* apgav* apgaul* aferist* vagyst* vagys melag* gėd* begėdišk* piktin* įsiut* nekenč* neapkenč* pasityčioj* tyčiojat* "ačiū už nieką" "daugiau niekada" "niekada daugiau" "nulis žvaigždučių" "blogiau nebūna" katastrof* keikiu šlamšt* "grąžinkite pinigus" "grąžinkit pinigus" "reikalauju grąžinti" "juodoji skylė" klounų klounai apgailėtin* beširdišk* "rankos dreba" "laikytis atokiau" "apeikit iš tolo" "nesiveskit" nepasitikėk* "jokiais vartais" "šuniui ant uodegos" pravirkd* "blogiausia įmonė" "blogiausias aptarnavimas"
-3 baisu baisus baisi baisiai baisių baisūs nenaudin* beprasm* beviltišk* nekompetent* nepriimtin* grub* nemandag* įžūl* "neveikia" neveik* nebeveik* "niekas neveikia" neišspręst* neišsprend* nesutvark* nepadėj* nepadeda "niekas neatsako" "niekas neatsakė" neatsak* neatsakė neatsiliep* "niekas nepaskambino" nepaskambino neperskambino neatvyko "niekam nerūpi" nerūpi ignoruo* ignoruoj* meluo* melas "žadėjo perskambinti" gailiuosi nusivyl* nuvyl* erzin* siutin* pyk* piktas pikta pikti sugadin* sugedo sugenda sulūž* lūžta praradot prarado pametėt pametė ištryn* skund* išeinu "pereinu pas" "uždarykit mano" atjungėt atjungė "man užteks" įgriso nesėkm* pasijuokė "numetė ragelį" rėkė įžeid* "iš aukšto" šok* apiplėš* "labai nepatenkint*" "visiškai nepatenkint*" netvark* nesąmon* "vien melas"
-2 blog* blogai prast* lėt* lėtai lėtok* vėlav* vėluo* "per ilgai" ilgai laukim* laukiau "laukti" problem* klaid* gedim* strig* nepatenkint* nepatogi* nepatog* nesuprant* pain* migl* šablonin* pasen* sugadint* apglamž* "ne tas" "ne tai" "ne to" "ne taip" trūksta nepiln* "neatėjo" "taip ir ne" "vis dar" "vėl neveikia" vėl brang* brangok* mokest* "neįspėj*" neįspėję nesuprato kančia varg* labirint* pasidaviau pertraukin* skubėjo "teko kartoti" "teko aiškinti" "teko nuolat" "teko laukti" primint* prieštarau* apėjim* blogiau "tapo blogiau" nervin* nuliūdin* liūdn* deja gaila nemalon* netenkina "nesu sužavėtas" "nelabai" "ne per geriausiai" nepatiko nepatinka neprofesional* neprisiskambin* neprisiskambini "negalėjau" "nepavyko" nepavyksta negerai nerekomenduoj*
-1 mda hm "taip sau" vidutin* "nei šioks, nei toks" "nei šioks nei toks" "nei gerai, nei blogai" "nei gerai nei blogai" "galėjo būti geriau" "buvo galima" "tikėjausi daugiau" "mišrūs" pusiau
1 normal* normaliai ok okei gerai gera geras geri gerą gero geros gerų tinka padoriai veikia veikė suveikė išspręst* išsprend* sutvark* sutais* pataisė pataisyt* padėj* padeda padėjot mandag* aiškiai aišk* naudin* patog* paprast* greit* laiku operatyv* kompetent* išmanant* profesional* kantr* malon* draugišk* paslaug* patikim* patenkint* "priekaištų nėra" "problemų nėra" "be problemų" "viskas gerai" "viskas tvarkoj" "viskas tvarkoje" tvarkoj tvarkinga ačiū aciu dėkoj* dėkui dėkinga dėkingas atsakė perskambino informav* sklandž* vertinu džiaugiuosi neblog* "iš pirmo" "iš pirmo karto" patenkinamai
2 "labai ačiū" "didelis ačiū" gerai geresn* šaunuol* šaunu "geras darbas" "gerai padirbėjo" "gerai susitvarkė" rekomenduoju rekomenduo* patinka patiko "geriau, nei" "geriau nei" "anksčiau, nei tikėjausi" sutaupėt sutaupė klasė 👍 🙂 😊
3 puik* nuostab* nuostabu žavu žaving* pasakišk* tobul* fantast* fenomenal* neįtikėtin* išskirtin* įspūding* sužavėt* dievinu myliu "didžiulis ačiū" "labai labai ačiū" "milžiniškas ačiū" "didžiulė padėka" "nuoširdžiausias ačiū" "be galo dėkingas" "labai dėkingas" "labai padėjot" "labai labai padėjot" "aukščiau visų pagyrų" "aukščiausio lygio" "aukščiausia kokybė" super šaunus šauni žvaigždė "penkios žvaigždutės" "5 žvaigždutės" "10 iš 10" "penki su pliusu" "taip ir toliau" burtinink* laiming* oho 😍 ❤️ ❤ 🎉 👏 💯
4 geriaus* "geriau nebūna" "nežinau, kaip jums atsidėkoti" atsidėkoti "išgelbėjot mano dieną" "išgelbėjot" "padarėt mano savaitę" "pranoko visus mano lūkesčius" "pranoko lūkesčius" "viršijanti lūkesčius" "klientas visada" "milijoną kartų"
`,
  negators: ['ne', 'nei', 'niekas', 'niekada', 'nieko', 'niekam', 'jokio', 'jokios', 'jokių', 'jokia', 'be', 'nė'],
  boosters: {
    labai: 0.3,
    'labai labai': 0.5,
    itin: 0.4,
    'be galo': 0.4,
    visiškai: 0.4,
    tikrai: 0.3,
    absoliučiai: 0.4,
    tiesiog: 0.2,
    neįtikėtinai: 0.4,
    ypač: 0.3,
    taip: 0.2,
    toks: 0.2,
    tokia: 0.2,
    tokie: 0.2,
    super: 0.3,
    baisiai: 0.3,
    siaubingai: 0.4,
    rimtai: 0.2,
    visai: 0.2,
    didžiulis: 0.3,
    pats: 0.2,
    pati: 0.2,
    apskritai: 0.1,
    nepaprastai: 0.4,
    beprotiškai: 0.4,
  },
  dampeners: {
    'šiek tiek': 0.3,
    truputį: 0.3,
    kiek: 0.2,
    gana: 0.2,
    'iš dalies': 0.3,
    beveik: 0.2,
    'ne visai': 0.3,
    šiektiek: 0.3,
  },
  contrast: ['bet', 'tačiau', 'nors', 'o', 'užtat', 'vis dėlto'],
  stopwords: [
    'ir',
    'kad',
    'ne',
    'su',
    'į',
    'yra',
    'buvo',
    'man',
    'mano',
    'jūs',
    'jūsų',
    'aš',
    'tai',
    'kaip',
    'bet',
    'labai',
    'ačiū',
    'aciu',
    'jau',
    'dar',
    'iš',
    'per',
    'apie',
    'kai',
    'tik',
    'nes',
    'arba',
    'prašau',
    'vėl',
    'net',
    'viskas',
    'niekas',
    'nieko',
    'dėl',
    'po',
    'prie',
    'kol',
    'mane',
    'mus',
    'mes',
    'jie',
    'tas',
    'ta',
    'šį',
    'kas',
    'ar',
    'nėra',
  ],
  negativePrefixes: ['nebe', 'ne'],
};
