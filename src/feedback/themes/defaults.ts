import type { Texts } from '../../db/schema.ts';

/**
 * The ten service parameters as the default themes, with keywords in the three languages in the
 * lexicon's syntax: `stem*` matches the inflected forms, quoted entries are phrases. Written for
 * cxkpi (MIT). An organization replaces them with its own list (cxkpi themes, PUT /api/v1/themes).
 */
export interface ThemeDef {
  id: string;
  names: Texts;
  keywords: Texts;
}

export const DEFAULT_THEMES: ThemeDef[] = [
  {
    id: 'availability',
    names: { en: 'Availability', ru: 'Доступность', lt: 'Pasiekiamumas' },
    keywords: {
      en: `available* availability unavailable "get through" "got through" reach* offline "opening hours" "working hours" weekend* "after 5" "after 5pm" closed "picks up" "pick up" busy "phone line" "line was busy"`,
      ru: `доступн* недоступн* дозвон* "не дозвониться" достуч* "линия была занята" занят* офлайн "часы работы" "график работы" выходн* круглосуточн* "после 17"`,
      lt: `pasiekiam* pasiekti pasiekt* prisiskambin* neprisiskambin* "darbo laikas" savaitgal* užimt* neprisijung* "po 17"`,
    },
  },
  {
    id: 'responsiveness',
    names: { en: 'Responsiveness', ru: 'Отзывчивость', lt: 'Reagavimas' },
    keywords: {
      en: `respon* reply replied replies "get back" "got back" "call back" "called back" callback "follow up" followed answer* unanswered ignor* "no one" nobody`,
      ru: `ответил* ответ* ответа ответы отвечают перезвон* отклик* отзывчив* игнор* никто "не отвечают"`,
      lt: `atsak* atsakė atsakymo perskambin* ignoruo* ignoruoj* niekas reaguo* sureagav*`,
    },
  },
  {
    id: 'quality',
    names: { en: 'Quality', ru: 'Качество', lt: 'Kokybė' },
    keywords: {
      en: `quality fix* solved solution* resolv* "works" working broken "not working" bug* error* crash* damaged defect* product`,
      ru: `качеств* реши* решен* решение исправ* почин* работает работают сломал* ошибк* глюк* брак* поврежд* товар*`,
      lt: `kokyb* išspręst* išsprend* sutvark* sutais* veikia neveik* sugedo sugadint* klaid* gedim* prek*`,
    },
  },
  {
    id: 'reliability',
    names: { en: 'Reliability', ru: 'Надёжность', lt: 'Patikimumas' },
    keywords: {
      en: `reliab* unreliable outage* "down again" "broken again" "keeps crashing" "every time" "third time" "second time" stable unstable consistent* "as always" promised promise* trust*`,
      ru: `надежн* ненадежн* стабильн* нестабильн* сбой* авари* "каждый раз" "как всегда" "третий раз" "второй раз" обещал* обещан* довер*`,
      lt: `patikim* nepatikim* stabil* "kiekvieną kartą" "kaip visada" "trečią kartą" "antrą kartą" žadėj* žadėt* pasitik*`,
    },
  },
  {
    id: 'proactivity',
    names: { en: 'Proactivity', ru: 'Проактивность', lt: 'Iniciatyvumas' },
    keywords: {
      en: `proactive* "kept me updated" "kept me informed" "kept me posted" "let me know" notif* warn* warning "heads up" "in advance" "follow-up" updated`,
      ru: `проактивн* "держали в курсе" уведом* предупред* "без предупреждения" заранее сообщил* "с уточнением"`,
      lt: `iniciatyv* informav* pranešė pranešim* įspėj* neįspėj* "iš anksto" patikslinimo`,
    },
  },
  {
    id: 'communication',
    names: { en: 'Communication', ru: 'Коммуникация', lt: 'Bendravimas' },
    keywords: {
      en: `communicat* explain* explanation clear* unclear confus* instruction* understand* understood vague contradict* "read my"`,
      ru: `общени* объясн* понятн* непонятн* инструкц* запута* расплывчат* понял* поняли коммуникац* противореч*`,
      lt: `bendrav* paaiškin* aišk* neaišk* instrukcij* pain* suprat* nesuprat* suprant* nesuprant* migl* prieštarau*`,
    },
  },
  {
    id: 'friendliness',
    names: { en: 'Friendliness', ru: 'Дружелюбие', lt: 'Draugiškumas' },
    keywords: {
      en: `friendl* polite* rude* kind kindness nice courteous* patient* attitude condescend* shout* yell* laughed lovely`,
      ru: `вежлив* невежлив* груб* хам* дружелюбн* приветлив* любезн* терпелив* отношени* кричал* посмеялся мил* добр*`,
      lt: `mandag* nemandag* grub* draugišk* malon* kantr* požiūr* rėkė pasijuokė miel*`,
    },
  },
  {
    id: 'personalization',
    names: { en: 'Personalization', ru: 'Персонализация', lt: 'Individualumas' },
    keywords: {
      en: `personal* remembered individual* "my name" "my history" tailored "like a number" generic template* "copy-paste" "copy-pasted" "same answer" scripted "small customers"`,
      ru: `индивидуальн* персональн* шаблон* "как к человеку" скопировал* "один и тот же" "мелкие клиенты"`,
      lt: `individual* asmenišk* šablon* nukopijav* "tą patį" "smulkūs klientai"`,
    },
  },
  {
    id: 'speed',
    names: { en: 'Speed', ru: 'Скорость', lt: 'Greitis' },
    keywords: {
      en: `fast* quick* slow* speed* wait* "on hold" minute* hour* day days week* forever delay* late prompt* instant* "took ages" "too long" "took a while" lightning*`,
      ru: `быстр* медленн* скорост* ждал* жду ждать ожидани* долго долгий долгого задерж* опоздал* мгновенн* оперативн* минут* часа часов "слишком долго" молниеносн*`,
      lt: `greit* lėt* laukia* laukt* laukiau ilgai vėlav* vėluo* operatyv* akimirksn* minuč* valand* dien* savait* "per ilgai" žaibišk*`,
    },
  },
  {
    id: 'price',
    names: { en: 'Price', ru: 'Цена', lt: 'Kaina' },
    keywords: {
      en: `price* pricing expensive* cheap* cost* fee* charge* overcharg* refund* money bill* invoice* discount* "value for money" paid pay payment*`,
      ru: `цен* дорог* дешев* стоимост* комисси* списал* списани* деньг* возврат* счет счета скидк* тариф* оплат* заплатил*`,
      lt: `kain* brang* pig* mokest* nuskait* pinig* grąžin* sąskait* nuolaid* mokėj* sumokėj*`,
    },
  },
];
