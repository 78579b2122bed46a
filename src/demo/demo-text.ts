/**
 * Words for the demo organization: people's names, company names, ticket subjects, survey
 * comments and review texts in English, Russian and Lithuanian. Comments come in five buckets
 * from very negative (1) to very positive (5) so that a text always matches its score.
 */

export type Lang = 'en' | 'ru' | 'lt';
export type Texts = Readonly<Record<Lang, readonly string[]>>;
/** Index 0 = very negative ... 4 = very positive. */
export type BucketTexts = Readonly<Record<Lang, readonly (readonly string[])[]>>;

export const ORGANIZATION_NAME = 'Balta Ledger UAB';
export const ORGANIZATION_DOMAIN = 'baltaledger.example';

// ---------------------------------------------------------------------------------------------
// People

/** First names by language, in Latin script (used for e-mail addresses too). */
export const FIRST_NAMES: Texts = {
  lt: [
    'Rūta',
    'Tomas',
    'Jurgita',
    'Mantas',
    'Eglė',
    'Darius',
    'Ieva',
    'Lukas',
    'Gintarė',
    'Andrius',
    'Aistė',
    'Paulius',
    'Vaida',
    'Karolis',
    'Indrė',
    'Marius',
    'Simona',
    'Justinas',
    'Laura',
    'Vytautas',
    'Agnė',
    'Domantas',
    'Greta',
    'Rokas',
  ],
  ru: [
    'Aleksandr',
    'Olga',
    'Dmitrij',
    'Natalja',
    'Sergej',
    'Irina',
    'Andrej',
    'Jelena',
    'Maksim',
    'Tatjana',
    'Pavel',
    'Svetlana',
    'Igor',
    'Julija',
    'Nikolaj',
    'Anastasija',
  ],
  en: [
    'Emma',
    'James',
    'Oliver',
    'Sophie',
    'Daniel',
    'Charlotte',
    'Michael',
    'Hannah',
    'Thomas',
    'Laura',
    'Mark',
    'Anna',
    'Chris',
    'Kate',
    'Peter',
    'Sarah',
    'Martin',
    'Julia',
    'Piotr',
    'Katarzyna',
    'Markus',
    'Lena',
    'Jonas',
    'Eva',
  ],
};

/** Review authors as shown on review sites: first name and initial, in the writer's script. */
export const AUTHOR_NAMES: Texts = {
  lt: [
    'Rūta K.',
    'Tomas P.',
    'Jurgita V.',
    'Mantas J.',
    'Eglė S.',
    'Darius Ž.',
    'Ieva P.',
    'Lukas B.',
    'Gintarė M.',
    'Andrius R.',
    'Aistė L.',
    'Karolis G.',
    'Indrė T.',
    'Marius Š.',
    'Simona D.',
    'Vytautas N.',
    'Agnė Č.',
    'Rokas A.',
  ],
  ru: [
    'Ольга С.',
    'Дмитрий К.',
    'Наталья П.',
    'Сергей В.',
    'Ирина М.',
    'Андрей Л.',
    'Елена Т.',
    'Максим Н.',
    'Татьяна Б.',
    'Павел Г.',
    'Светлана Р.',
    'Игорь Д.',
    'Юлия Ф.',
    'Николай Е.',
  ],
  en: [
    'Emma W.',
    'James H.',
    'Oliver B.',
    'Sophie L.',
    'Daniel M.',
    'Charlotte R.',
    'Michael T.',
    'Hannah F.',
    'Thomas K.',
    'Mark D.',
    'Anna S.',
    'Chris P.',
    'Kate G.',
    'Peter N.',
    'Sarah J.',
    'Piotr W.',
    'Markus B.',
    'Lena H.',
  ],
};

// ---------------------------------------------------------------------------------------------
// Company names by country: descriptive names first; invented brand names when those run out.
// The legal form ('{name}' replaced by the name) follows the country.

interface CompanyNameParts {
  first: readonly string[];
  second: readonly string[];
  join: string;
}

export const COMPANY_NAME_PARTS: Readonly<Record<string, CompanyNameParts>> = {
  LT: {
    first: [
      'Baltų',
      'Vilniaus',
      'Kauno',
      'Šiaurės',
      'Gintaro',
      'Nemuno',
      'Pajūrio',
      'Aukštaičių',
      'Saulės',
      'Rasos',
      'Klaipėdos',
      'Dzūkijos',
      'Žemaitijos',
      'Neries',
      'Ąžuolo',
      'Liepų',
    ],
    second: [
      'logistika',
      'statyba',
      'prekyba',
      'sprendimai',
      'technologijos',
      'baldai',
      'kepykla',
      'apskaita',
      'transportas',
      'dizainas',
      'servisas',
      'projektai',
      'konsultacijos',
      'energija',
      'sveikata',
      'medžiagos',
    ],
    join: ' ',
  },
  LV: {
    first: ['Rīgas', 'Daugavas', 'Baltijas', 'Kurzemes', 'Vidzemes', 'Jūrmalas', 'Latgales', 'Gaujas'],
    second: ['loģistika', 'būve', 'tirdzniecība', 'risinājumi', 'tehnoloģijas', 'mēbeles', 'serviss', 'projekti'],
    join: ' ',
  },
  EE: {
    first: ['Tallinna', 'Tartu', 'Pärnu', 'Saare', 'Põhja', 'Läänemere', 'Viru', 'Emajõe'],
    second: ['Logistika', 'Ehitus', 'Kaubandus', 'Lahendused', 'Tehnoloogia', 'Mööbel', 'Teenused', 'Projektid'],
    join: ' ',
  },
  PL: {
    first: ['Nova', 'Delta', 'Orion', 'Atlas', 'Vistula', 'Amber', 'Polar', 'Mazur'],
    second: ['Logistyka', 'Budownictwo', 'Handel', 'Technologie', 'Meble', 'Serwis', 'Projekt', 'Doradztwo'],
    join: ' ',
  },
  DE: {
    first: ['Nord', 'Rhein', 'Alpen', 'Berg', 'Hansa', 'Elbe', 'Spree', 'Main'],
    second: ['logistik', 'bau', 'handel', 'technik', 'möbel', 'service', 'beratung', 'werk'],
    join: '',
  },
  default: {
    first: ['Bright', 'North', 'Blue', 'Oak', 'Summit', 'Harbor', 'Pine', 'Silver', 'Red', 'Green', 'Cedar', 'Maple'],
    second: [
      'field Logistics',
      'stone Consulting',
      'bridge Trading',
      'line Studio',
      'wave Labs',
      'path Foods',
      'gate Design',
      'view Partners',
    ],
    join: '',
  },
};

export const LEGAL_FORM_BY_COUNTRY: Readonly<Record<string, string>> = {
  LT: '{name}, UAB',
  LV: 'SIA "{name}"',
  EE: '{name} OÜ',
  PL: '{name} Sp. z o.o.',
  DE: '{name} GmbH',
  GB: '{name} Ltd',
  US: '{name} LLC',
  FI: '{name} Oy',
  SE: '{name} AB',
  NL: '{name} B.V.',
  UA: '{name} LLC',
};

/** Syllables for invented brand names ("Tervalis", "Norvika"). */
export const BRAND_SYLLABLES = {
  start: [
    'Ter',
    'Nor',
    'Ar',
    'Vel',
    'Sol',
    'Kal',
    'Mer',
    'Lin',
    'Dor',
    'Val',
    'Tal',
    'Ren',
    'Sil',
    'Bal',
    'Gal',
    'Mar',
    'Ver',
    'Lum',
    'Pra',
    'Skan',
    'Bri',
    'Kor',
    'Del',
    'Fal',
    'Hel',
    'Jur',
    'Nem',
    'Ost',
    'Sta',
    'Vil',
  ],
  middle: ['va', 'vi', 'de', 'ri', 'to', 'na', 'me', 'ka', 'li', 'ro', 'sa', 'ne', 'ta', 'mo', 'le', 'ga'],
  end: ['lis', 'ka', 'nta', 'ra', 'tis', 'tex', 'vo', 'nis', 'mo', 'da', 'lon', 'ris', 'vik', 'sta', 'nor', 'tra'],
};

// ---------------------------------------------------------------------------------------------
// Ticket subjects by subtopic

export const SUBJECTS: Readonly<Record<string, Texts>> = {
  invoice: {
    en: [
      "Need a copy of last month's invoice",
      'Wrong company details on our invoice',
      'Invoice address needs to be changed',
    ],
    ru: ['Нужна копия счёта за прошлый месяц', 'Неправильные реквизиты в нашем счёте', 'Нужно изменить адрес в счёте'],
    lt: [
      'Reikia praėjusio mėnesio sąskaitos kopijos',
      'Sąskaitoje neteisingi įmonės rekvizitai',
      'Reikia pakeisti adresą sąskaitoje',
    ],
  },
  payment_failed: {
    en: ['Card payment failed', 'Why was my payment declined?', 'Payment is not showing as received'],
    ru: ['Не прошла оплата картой', 'Почему отклонён платёж?', 'Оплата не отображается как полученная'],
    lt: ['Nepavyko apmokėti kortele', 'Kodėl atmestas mokėjimas?', 'Mokėjimas nerodomas kaip gautas'],
  },
  refund: {
    en: ['Request for a refund', 'Charged twice this month'],
    ru: ['Прошу вернуть деньги', 'Деньги списали дважды'],
    lt: ['Prašau grąžinti pinigus', 'Šį mėnesį nuskaičiavote du kartus'],
  },
  vat: {
    en: ['How do I add our VAT number?', 'Reverse charge VAT on invoices'],
    ru: ['Как добавить номер плательщика НДС?', 'Обратное начисление НДС в счетах'],
    lt: ['Kaip pridėti PVM mokėtojo kodą?', 'Atvirkštinis PVM apmokestinimas sąskaitose'],
  },
  plan_change: {
    en: ['Upgrade to the Pro plan', 'Can we switch to annual billing?'],
    ru: ['Хотим перейти на тариф Pro', 'Можно ли перейти на годовую оплату?'],
    lt: ['Norime pereiti prie Pro plano', 'Ar galima mokėti už metus iš karto?'],
  },
  cancellation: {
    en: ['Please cancel our subscription', 'How do I close my account?'],
    ru: ['Прошу отменить подписку', 'Как закрыть аккаунт?'],
    lt: ['Prašau atšaukti prenumeratą', 'Kaip uždaryti paskyrą?'],
  },
  price_increase: {
    en: [
      'Question about the new Basic price',
      'Why is the Basic plan more expensive now?',
      'Price increase - is there a discount for long-term customers?',
    ],
    ru: [
      'Вопрос о новой цене тарифа Basic',
      'Почему тариф Basic подорожал?',
      'Повышение цены: есть ли скидка для постоянных клиентов?',
    ],
    lt: [
      'Klausimas dėl naujos Basic plano kainos',
      'Kodėl Basic planas pabrango?',
      'Kainų didinimas: ar yra nuolaida ilgamečiams klientams?',
    ],
  },
  bug: {
    en: [
      'Error when saving an invoice',
      'PDF export shows wrong totals',
      'Discount is not applied to the invoice total',
    ],
    ru: ['Ошибка при сохранении счёта', 'В PDF неправильные итоговые суммы', 'Скидка не учитывается в сумме счёта'],
    lt: [
      'Klaida išsaugant sąskaitą',
      'PDF faile neteisingos bendros sumos',
      'Nuolaida neįskaičiuojama į sąskaitos sumą',
    ],
  },
  bank_sync: {
    en: ['Bank transactions are not syncing', 'Bank connection expired', 'Duplicate transactions after bank import'],
    ru: [
      'Не синхронизируются банковские операции',
      'Истекло подключение к банку',
      'После импорта из банка операции задвоились',
    ],
    lt: [
      'Nesisinchronizuoja banko operacijos',
      'Baigėsi ryšio su banku galiojimas',
      'Po banko importo operacijos dubliuojasi',
    ],
  },
  api: {
    en: ['API returns 500 on /invoices', 'Webhook not delivered', 'API rate limit too low for our sync'],
    ru: ['API возвращает ошибку 500 на /invoices', 'Не приходят вебхуки', 'Слишком низкий лимит запросов к API'],
    lt: [
      'API grąžina 500 klaidą /invoices užklausai',
      'Negaunami webhook pranešimai',
      'Per mažas API užklausų limitas',
    ],
  },
  login: {
    en: ['Cannot log in', 'Two-factor code not arriving', 'Password reset link does not work'],
    ru: [
      'Не могу войти в систему',
      'Не приходит код двухфакторной аутентификации',
      'Не работает ссылка для сброса пароля',
    ],
    lt: [
      'Negaliu prisijungti',
      'Negaunu dviejų veiksnių autentifikavimo kodo',
      'Neveikia slaptažodžio atkūrimo nuoroda',
    ],
  },
  performance: {
    en: ['The app is very slow today', 'Reports take forever to load'],
    ru: ['Сегодня программа очень медленно работает', 'Отчёты загружаются очень долго'],
    lt: ['Šiandien programa labai lėtai veikia', 'Ataskaitos kraunasi labai ilgai'],
  },
  mobile_app: {
    en: ['Mobile app crashes on start', 'Cannot scan receipts in the app'],
    ru: ['Мобильное приложение вылетает при запуске', 'Не получается сканировать чеки в приложении'],
    lt: ['Mobilioji programėlė užsidaro vos paleista', 'Programėlėje nepavyksta nuskaityti kvitų'],
  },
  setup: {
    en: ['Help setting up our company profile', 'How to configure invoice numbering?'],
    ru: ['Помогите настроить профиль компании', 'Как настроить нумерацию счетов?'],
    lt: ['Padėkite sukonfigūruoti įmonės profilį', 'Kaip nustatyti sąskaitų numeraciją?'],
  },
  data_import: {
    en: ['Importing customers from Excel', 'Migrating data from our old system'],
    ru: ['Импорт клиентов из Excel', 'Перенос данных из старой системы'],
    lt: ['Klientų importas iš Excel', 'Duomenų perkėlimas iš senos sistemos'],
  },
  user_invites: {
    en: ['How do I invite our accountant?', 'Add a new user with limited rights'],
    ru: ['Как пригласить нашего бухгалтера?', 'Добавить пользователя с ограниченными правами'],
    lt: ['Kaip pakviesti mūsų buhalterį?', 'Pridėti naudotoją su ribotomis teisėmis'],
  },
  how_to: {
    en: [
      'How to create a credit note?',
      'Where can I change the invoice template?',
      'How do I send reminders for unpaid invoices?',
    ],
    ru: [
      'Как создать кредитовый счёт?',
      'Где изменить шаблон счёта?',
      'Как отправлять напоминания о неоплаченных счетах?',
    ],
    lt: [
      'Kaip išrašyti kreditinę sąskaitą?',
      'Kur pakeisti sąskaitos šabloną?',
      'Kaip siųsti priminimus apie neapmokėtas sąskaitas?',
    ],
  },
  training: {
    en: ['Booking a training session for our team', 'Is there a webinar for new users?'],
    ru: ['Хотим записаться на обучение для команды', 'Есть ли вебинар для новых пользователей?'],
    lt: ['Norime užsisakyti mokymus komandai', 'Ar yra vebinaras naujiems naudotojams?'],
  },
  contract: {
    en: ['Contract renewal terms', 'Need a signed DPA', 'Security questionnaire for our procurement'],
    ru: [
      'Условия продления договора',
      'Нужен подписанный договор об обработке данных',
      'Анкета по безопасности для нашего отдела закупок',
    ],
    lt: [
      'Sutarties pratęsimo sąlygos',
      'Reikia pasirašytos duomenų tvarkymo sutarties',
      'Saugumo klausimynas mūsų pirkimų skyriui',
    ],
  },
  seats: {
    en: ['Adding 15 more seats', 'Reduce the number of licences'],
    ru: ['Добавить ещё 15 пользователей', 'Уменьшить количество лицензий'],
    lt: ['Reikia dar 15 naudotojų licencijų', 'Sumažinti licencijų skaičių'],
  },
  sso: {
    en: ['Set up SSO with Azure AD', 'SAML login for all employees'],
    ru: ['Настройка SSO через Azure AD', 'Вход через SAML для всех сотрудников'],
    lt: ['SSO nustatymas su Azure AD', 'SAML prisijungimas visiems darbuotojams'],
  },
};

// ---------------------------------------------------------------------------------------------
// Comments after a ticket (CSAT, CES): about this conversation.

export const TICKET_COMMENTS: BucketTexts = {
  en: [
    [
      'Waited three days for a reply and the problem is still not fixed.',
      'Nobody read my message properly, I got a copy-paste answer that had nothing to do with my question.',
      'Terrible experience. I had to explain the same issue to three different people.',
      'The agent closed my ticket without solving anything.',
      'Support is painfully slow. We lost a whole day of invoicing because of this bug.',
      'For what we pay, I expected much better support.',
      'Rude reply and no solution. Seriously considering switching to another provider.',
    ],
    [
      'It took far too long to get an answer.',
      'The answer was polite but did not really help, I had to figure it out myself.',
      'Solved in the end, but only after I chased you twice.',
      'Slow response and the first suggestion was wrong.',
      'I was told someone would call me back and no one did.',
      'The fix works, but getting there took almost a week.',
    ],
    [
      'Okay, the issue is resolved, although it could have been faster.',
      'Average. The answer was correct but very brief.',
      'The problem is fixed. The documentation could explain this better.',
      'Reasonable help, though I had to send the same screenshots twice.',
      'Not bad, not great. It works now.',
      'Fine, but I had to wait until Monday for a simple answer.',
    ],
    [
      'Quick and helpful answer, thanks.',
      'Good support, the agent knew exactly what to do.',
      'Problem solved on the first reply. Nice.',
      'Friendly and competent, it just took a little while to get the first answer.',
      'Thanks for explaining the VAT settings so clearly.',
      'Helpful answer with screenshots, appreciated.',
    ],
    [
      'Excellent! Answered within minutes and solved everything.',
      'Super fast and very friendly, thank you so much!',
      'Best support I have dealt with in years. Clear, quick and competent.',
      'She went above and beyond and even checked our other invoices for the same issue.',
      'Fantastic, the bank integration works again. Thanks for the quick fix!',
      'Very professional and patient, explained everything step by step.',
      'Great service, worth every cent.',
    ],
  ],
  ru: [
    [
      'Ждал ответа три дня, а проблема так и не решена.',
      'Мне прислали шаблонный ответ, который не имеет никакого отношения к моему вопросу.',
      'Ужасный сервис. Пришлось объяснять одно и то же трём разным сотрудникам.',
      'Заявку закрыли, ничего не исправив.',
      'Поддержка работает очень медленно. Из-за этой ошибки мы целый день не могли выставлять счета.',
      'За такие деньги я ожидал гораздо лучшего обслуживания.',
      'Грубый ответ и никакого решения. Всерьёз думаем о переходе к другому поставщику.',
    ],
    [
      'Слишком долго ждал ответа.',
      'Ответили вежливо, но толком не помогли, пришлось разбираться самому.',
      'В итоге проблему решили, но только после двух напоминаний.',
      'Медленный ответ, и первый совет оказался неправильным.',
      'Обещали перезвонить, но так никто и не позвонил.',
      'Исправили, но на это ушла почти неделя.',
    ],
    [
      'Нормально, проблема решена, хотя можно было и быстрее.',
      'Средне. Ответ правильный, но очень краткий.',
      'Проблему исправили. В документации стоило бы описать это подробнее.',
      'Помогли, но скриншоты пришлось отправлять дважды.',
      'Неплохо, но хотелось бы получать ответы на русском языке.',
      'Ничего особенного, но теперь всё работает.',
    ],
    [
      'Быстрый и полезный ответ, спасибо.',
      'Хорошая поддержка, сотрудник сразу понял, в чём дело.',
      'Вопрос решили с первого ответа. Приятно.',
      'Вежливо и компетентно, только первого ответа пришлось немного подождать.',
      'Спасибо, что так понятно объяснили настройки НДС.',
      'Полезный ответ со скриншотами, спасибо.',
    ],
    [
      'Отлично! Ответили за несколько минут и всё решили.',
      'Очень быстро и очень вежливо, огромное спасибо!',
      'Лучшая поддержка, с которой я сталкивался за последние годы.',
      'Сотрудница сделала больше, чем требовалось: проверила и другие наши счета.',
      'Прекрасно, интеграция с банком снова работает. Спасибо за быстрое исправление!',
      'Очень профессионально и терпеливо, всё объяснили шаг за шагом.',
      'Отличный сервис, он стоит своих денег.',
    ],
  ],
  lt: [
    [
      'Atsakymo laukiau tris dienas, o problema vis dar neišspręsta.',
      'Gavau šabloninį atsakymą, kuris visiškai neatitiko mano klausimo.',
      'Siaubinga patirtis. Tą pačią problemą teko aiškinti trims skirtingiems darbuotojams.',
      'Užklausą uždarėte nieko neišsprendę.',
      'Klientų aptarnavimas labai lėtas. Dėl šios klaidos visą dieną negalėjome išrašyti sąskaitų.',
      'Už tokią kainą tikėjausi daug geresnio aptarnavimo.',
      'Nemandagus atsakymas ir jokio sprendimo. Rimtai svarstome keisti paslaugų teikėją.',
    ],
    [
      'Atsakymo teko laukti per ilgai.',
      'Atsakė mandagiai, bet realiai nepadėjo – teko aiškintis pačiam.',
      'Galiausiai išsprendė, bet tik po dviejų mano priminimų.',
      'Atsakėte lėtai, o pirmasis patarimas buvo klaidingas.',
      'Žadėjo perskambinti, bet niekas taip ir nepaskambino.',
      'Sutvarkė, bet tai užtruko beveik savaitę.',
    ],
    [
      'Gerai, problema išspręsta, nors galėjo būti ir greičiau.',
      'Vidutiniškai. Atsakymas teisingas, bet labai trumpas.',
      'Problema sutvarkyta. Dokumentacijoje tai galėtų būti paaiškinta geriau.',
      'Padėjo, tačiau tas pačias ekrano nuotraukas teko siųsti du kartus.',
      'Nei gerai, nei blogai. Dabar veikia.',
      'Norėčiau, kad atsakymai būtų lietuvių kalba, o ne angliškai.',
    ],
    [
      'Greitas ir naudingas atsakymas, ačiū.',
      'Geras aptarnavimas, darbuotojas iškart suprato, kas negerai.',
      'Klausimas išspręstas iš pirmo karto. Malonu.',
      'Malonus ir kompetentingas konsultantas, tik pirmojo atsakymo teko kiek palaukti.',
      'Ačiū, kad taip aiškiai paaiškinote PVM nustatymus.',
      'Naudingas atsakymas su ekrano nuotraukomis, ačiū.',
    ],
    [
      'Puiku! Atsakė per kelias minutes ir viską išsprendė.',
      'Labai greitai ir labai maloniai, nuoširdžiai ačiū!',
      'Geriausias klientų aptarnavimas, su kokiu esu susidūręs per pastaruosius metus.',
      'Konsultantė padarė daugiau, nei reikėjo: patikrino ir kitas mūsų sąskaitas.',
      'Nuostabu, integracija su banku vėl veikia. Ačiū už greitą pataisymą!',
      'Labai profesionaliai ir kantriai, viską paaiškino žingsnis po žingsnio.',
      'Puikus aptarnavimas, vertas kiekvieno cento.',
    ],
  ],
};

// ---------------------------------------------------------------------------------------------
// Comments about the company as a whole (NPS) and review texts.

export const RELATIONSHIP_COMMENTS: BucketTexts = {
  en: [
    [
      'Constant problems with the bank sync and support takes days to answer.',
      'Not worth the money anymore.',
      'I would not recommend it. Too many problems and nobody takes responsibility.',
      'We lost data during an import and nobody could explain why. Looking for alternatives.',
    ],
    [
      'The app does the job, but support is slow.',
      'Invoicing works, reporting is weak and the mobile app crashes often.',
      'Too expensive for a small business like ours.',
      'Okay product, but every time something breaks we wait too long for help.',
    ],
    [
      'Good tool overall, a few features are missing, for example recurring invoices in USD.',
      'Solid product. The interface could be more modern.',
      'Does what we need. Support is sometimes slow but usually helpful.',
      'Works fine, but I would like better reports for our accountant.',
    ],
    [
      'Reliable, easy to use and the support team is friendly.',
      'We have used it for two years and it saves us a lot of time every month.',
      'Great value for money, I already recommended it to a colleague.',
      'Very convenient, especially the bank integration.',
    ],
    [
      'Excellent product and excellent people behind it. Highly recommended!',
      'The best invoicing tool we have tried. Fast support, fair price.',
      'Everything just works. Our accountant loves it too.',
      'Fantastic service, they always answer quickly and in our language.',
    ],
  ],
  ru: [
    [
      'Постоянные сбои синхронизации с банком, а поддержка отвечает по несколько дней.',
      'Больше не стоит своих денег.',
      'Не рекомендую. Слишком много проблем, и никто не берёт на себя ответственность.',
      'При импорте потеряли часть данных, и никто не смог объяснить почему. Ищем альтернативу.',
    ],
    [
      'Программа со своей задачей справляется, но поддержка медленная.',
      'Счета выставлять удобно, но отчёты слабые, а мобильное приложение часто вылетает.',
      'Слишком дорого для такого маленького бизнеса, как наш.',
      'Продукт неплохой, но каждый раз, когда что-то ломается, помощи приходится ждать слишком долго.',
    ],
    [
      'В целом хороший инструмент, но не хватает некоторых функций, например регулярных счетов в долларах.',
      'Надёжный продукт. Интерфейс мог бы быть современнее.',
      'Делает всё, что нам нужно. Поддержка иногда медленная, но обычно помогает.',
      'Работает нормально, но нашему бухгалтеру не хватает подробных отчётов.',
    ],
    [
      'Надёжно, удобно, и поддержка очень доброжелательная.',
      'Пользуемся уже два года и каждый месяц экономим много времени.',
      'Отличное соотношение цены и качества, уже порекомендовал коллеге.',
      'Очень удобно, особенно интеграция с банком.',
    ],
    [
      'Отличный продукт и отличная команда. Очень рекомендую!',
      'Лучшая программа для выставления счетов из всех, что мы пробовали. Быстрая поддержка, честная цена.',
      'Всё просто работает. Нашему бухгалтеру тоже очень нравится.',
      'Замечательный сервис: всегда быстро отвечают, и на русском языке.',
    ],
  ],
  lt: [
    [
      'Nuolatiniai sinchronizacijos su banku sutrikimai, o pagalba atsako po kelių dienų.',
      'Nebevertas tų pinigų.',
      'Nerekomenduočiau. Per daug problemų, ir niekas neprisiima atsakomybės.',
      'Importuojant dingo dalis duomenų, ir niekas negalėjo paaiškinti kodėl. Ieškome alternatyvų.',
    ],
    [
      'Programa savo darbą atlieka, bet pagalba lėta.',
      'Sąskaitas išrašyti patogu, bet ataskaitos silpnos, o mobilioji programėlė dažnai užstringa.',
      'Per brangu tokiam mažam verslui kaip mūsų.',
      'Produktas neblogas, bet kiekvieną kartą, kai kas nors sugenda, pagalbos tenka laukti per ilgai.',
    ],
    [
      'Apskritai geras įrankis, tik trūksta kai kurių funkcijų, pavyzdžiui, periodinių sąskaitų doleriais.',
      'Patikimas produktas. Sąsaja galėtų būti modernesnė.',
      'Atlieka viską, ko mums reikia. Pagalba kartais lėta, bet dažniausiai padeda.',
      'Veikia gerai, bet mūsų buhalterei trūksta išsamesnių ataskaitų.',
    ],
    [
      'Patikima, patogu, o klientų aptarnavimo komanda labai maloni.',
      'Naudojamės jau dvejus metus – kas mėnesį sutaupome daug laiko.',
      'Puikus kainos ir kokybės santykis, jau rekomendavau kolegai.',
      'Labai patogu, ypač integracija su banku.',
    ],
    [
      'Puikus produktas ir puikūs žmonės. Labai rekomenduoju!',
      'Geriausia sąskaitų išrašymo programa iš visų, kurias bandėme. Greita pagalba, sąžininga kaina.',
      'Viskas tiesiog veikia. Mūsų buhalterei irgi labai patinka.',
      'Fantastiškas aptarnavimas – visada greitai atsako, ir lietuviškai.',
    ],
  ],
};

/** Complaints about the Basic price increase (29 -> 35 EUR), for surveys and reviews after it. */
export const PRICE_COMPLAINTS: Texts = {
  en: [
    'The Basic plan went from 29 to 35 euros without any new features. Not happy.',
    'A 20% price increase in one go is too much for a small business.',
    'We are cancelling because of the new price.',
    "Raising prices by 20% with one month's notice is not how you treat loyal customers.",
  ],
  ru: [
    'Тариф Basic подорожал с 29 до 35 евро без каких-либо новых функций. Очень недоволен.',
    'Повышение цены сразу на 20% — это слишком для малого бизнеса.',
    'Отказываемся от подписки из-за новых цен.',
    'Так с постоянными клиентами не поступают: цену подняли на 20%, предупредив всего за месяц.',
  ],
  lt: [
    'Basic planas pabrango nuo 29 iki 35 eurų, o naujų funkcijų jokių. Labai nepatenkintas.',
    '20 % kainos padidinimas iš karto – per daug mažam verslui.',
    'Atsisakome prenumeratos dėl naujos kainos.',
    'Taip su ištikimais klientais nesielgiama: kaina pakelta 20 %, o įspėjo tik prieš mėnesį.',
  ],
};

export const REVIEW_TITLES: BucketTexts = {
  en: [
    ['Avoid', 'Very disappointed', 'Support never answers', 'Waste of time'],
    ['Could be much better', 'Slow support', 'Too expensive'],
    ['Decent but not perfect', 'Does the job', 'Good, with a few gaps'],
    ['Very good', 'Reliable tool', 'Great for small businesses'],
    ['Excellent!', 'Highly recommended', 'Best invoicing app', 'Amazing support'],
  ],
  ru: [
    ['Не советую', 'Очень разочарован', 'Поддержка не отвечает', 'Пустая трата времени'],
    ['Могло быть лучше', 'Медленная поддержка', 'Слишком дорого'],
    ['Неплохо, но есть недочёты', 'Свою задачу выполняет', 'В целом нормально'],
    ['Очень хорошо', 'Надёжная программа', 'Отлично подходит для малого бизнеса'],
    ['Отлично!', 'Очень рекомендую', 'Лучшая программа для счетов', 'Потрясающая поддержка'],
  ],
  lt: [
    ['Nerekomenduoju', 'Labai nusivyliau', 'Pagalba neatsako', 'Tik laiko švaistymas'],
    ['Galėtų būti daug geriau', 'Lėta pagalba', 'Per brangu'],
    ['Neblogai, bet yra trūkumų', 'Savo darbą atlieka', 'Iš esmės gerai'],
    ['Labai gerai', 'Patikimas įrankis', 'Puikiai tinka smulkiam verslui'],
    ['Puiku!', 'Labai rekomenduoju', 'Geriausia sąskaitų programa', 'Nuostabus aptarnavimas'],
  ],
};

/** Titles of reviews about the Basic price increase. */
export const PRICE_REVIEW_TITLES: Texts = {
  en: ['Price hike, no improvements', 'Too expensive now', '20% more for the same product'],
  ru: ['Подняли цены без улучшений', 'Стало слишком дорого', 'На 20% дороже за то же самое'],
  lt: ['Pakėlė kainą, o naudos jokios', 'Dabar per brangu', '20 % brangiau už tą patį'],
};

/** Employee comments for eNPS: 0 = detractor, 1 = passive, 2 = promoter. */
export const ENPS_COMMENTS: BucketTexts = {
  en: [
    [
      'Too many tickets per person, we need more people on the technical queue.',
      'The workload after the price change was exhausting.',
      'Our tools are outdated and we keep waiting for the developers.',
    ],
    ['Good team, but career growth is unclear.', 'Fine overall, the on-call rotation could be fairer.'],
    [
      'Great colleagues and a supportive team lead.',
      'I like the flexibility and the training budget.',
      'Best team I have worked in.',
    ],
  ],
  ru: [
    [
      'Слишком много заявок на одного человека, в техподдержку нужны ещё люди.',
      'После повышения цен нагрузка была изматывающей.',
      'Инструменты устарели, постоянно ждём разработчиков.',
    ],
    ['Хорошая команда, но непонятно, как расти дальше.', 'В целом нормально, но дежурства можно распределять честнее.'],
    [
      'Замечательные коллеги и руководитель, который всегда поддержит.',
      'Нравится гибкий график и бюджет на обучение.',
      'Лучшая команда, в которой я работал.',
    ],
  ],
  lt: [
    [
      'Per daug užklausų vienam žmogui, techninei pagalbai reikia daugiau darbuotojų.',
      'Po kainų pakėlimo darbo krūvis buvo varginantis.',
      'Įrankiai pasenę, nuolat laukiame programuotojų.',
    ],
    [
      'Gera komanda, bet neaišku, kaip augti toliau.',
      'Apskritai gerai, tik budėjimai galėtų būti paskirstyti teisingiau.',
    ],
    [
      'Puikūs kolegos ir palaikantis vadovas.',
      'Patinka lankstus grafikas ir mokymų biudžetas.',
      'Geriausia komanda, kurioje esu dirbęs.',
    ],
  ],
};

/** Removes diacritics and anything that cannot go into an e-mail address or a slug. */
export function toAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L');
}

export function slugify(text: string): string {
  return toAscii(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
