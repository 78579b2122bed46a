/**
 * The catalog's descriptions in Russian and Lithuanian, keyed by metric id, and the scales of the
 * bounded scores. GET /api/v1/metrics merges them into each metric, so the dashboard shows a
 * definition in the reader's language; test/metric-translations.test.ts checks that every catalog
 * metric and each of its options has both languages.
 */
export interface MetricText {
  description: string;
  /** Option id -> its description. */
  options?: Record<string, string>;
}

type Texts = { ru: MetricText; lt: MetricText };

/** Options shared by several metrics, written once. */
const O = {
  duplicates: {
    ru: 'Ответы на один и тот же опрос об одном и том же обращении: учитывается последний или все.',
    lt: 'Atsakymai į tą pačią apklausą apie tą patį kreipinį: skaičiuojamas paskutinis arba visi.',
  },
  aggregate: {
    ru: 'Статистика длительностей: медиана (процентиль типа 7), среднее или p90.',
    lt: 'Trukmių statistika: mediana (7 tipo procentilis), vidurkis arba p90.',
  },
  include_bot: {
    ru: 'Учитывать первые ответы, отправленные ботом (по умолчанию не учитываются).',
    lt: 'Skaičiuoti pirmuosius roboto atsakymus (pagal nutylėjimą neskaičiuojami).',
  },
  window_days: {
    ru: 'Через сколько дней новое обращение того же клиента уже не считается повторным.',
    lt: 'Po kiek dienų naujas to paties kliento kreipinys nebelaikomas pakartotiniu.',
  },
  activity: {
    ru: 'Что делает клиента активным: подписка, действующая в этот момент (subscriptions), выполненный заказ в окне активности перед ним (orders), любое из двух (either) или auto: подписки, если они есть у организации, иначе заказы.',
    lt: 'Kas daro klientą aktyvų: tuo metu galiojanti prenumerata (subscriptions), įvykdytas užsakymas aktyvumo lange prieš tai (orders), bet kuris iš jų (either) arba auto: prenumeratos, jei organizacija jų turi, kitaip užsakymai.',
  },
  activity_window_days: {
    ru: 'Для активности по заказам: клиент остаётся активным столько дней после каждого выполненного заказа.',
    lt: 'Aktyvumui pagal užsakymus: klientas lieka aktyvus tiek dienų po kiekvieno įvykdyto užsakymo.',
  },
  churn_denominator: {
    ru: 'start: клиенты, активные в начале периода (пришедшие и ушедшие внутри периода не учитываются ни в одной части); start_plus_new: учитывать и их, деля на активных в начале плюс новых (как в Stripe).',
    lt: 'start: laikotarpio pradžioje aktyvūs klientai (atėję ir išėję per laikotarpį neskaičiuojami nė vienoje dalyje); start_plus_new: skaičiuoti ir juos, dalijant iš aktyvių pradžioje ir naujų (kaip Stripe).',
  },
  gross_margin: {
    ru: 'Валовая маржа, применяемая к выручке (от 0 до 1).',
    lt: 'Bendroji marža, taikoma pajamoms (nuo 0 iki 1).',
  },
  method: {
    ru: 'formula: ARPU × маржа / отток; model: модель BG/NBD + Gamma-Gamma по выполненным заказам до конца каждого периода, средняя ожидаемая ценность клиента на horizon_weeks недель вперёд.',
    lt: 'formula: ARPU × marža / netektis; model: BG/NBD + Gamma-Gamma modelis pagal įvykdytus užsakymus iki kiekvieno laikotarpio pabaigos, vidutinė tikėtina kliento vertė horizon_weeks savaičių į priekį.',
  },
  horizon_weeks: {
    ru: 'Для method model: на сколько недель вперёд считается ожидаемая ценность.',
    lt: 'Su method model: kiek savaičių į priekį skaičiuojama tikėtina vertė.',
  },
} as const;

const pick = (language: 'ru' | 'lt', ...ids: Array<keyof typeof O>) =>
  Object.fromEntries(ids.map((id) => [id, O[id][language]]));
const both = (ru: string, lt: string, ...options: Array<keyof typeof O>): Texts => ({
  ru: { description: ru, options: pick('ru', ...options) },
  lt: { description: lt, options: pick('lt', ...options) },
});

export const METRIC_TRANSLATIONS: Record<string, Texts> = {
  nps: both(
    '100 × (доля промоутеров с оценкой 9–10 − доля критиков с оценкой 0–6) среди ответов NPS.',
    '100 × (rekomenduotojų, įvertinusių 9–10, dalis − kritikų, įvertinusių 0–6, dalis) tarp NPS atsakymų.',
    'duplicates',
  ),
  enps: both(
    'NPS сотрудников: 100 × (доля 9–10 − доля 0–6) среди ответов eNPS.',
    'Darbuotojų NPS: 100 × (dalis 9–10 − dalis 0–6) tarp eNPS atsakymų.',
    'duplicates',
  ),
  csat: both(
    'Доля ответов CSAT с оценкой 4 или 5 (top-2-box) среди всех ответов CSAT.',
    'CSAT atsakymų, įvertintų 4 arba 5 (top-2-box), dalis tarp visų CSAT atsakymų.',
    'duplicates',
  ),
  csat_mean: both('Средняя оценка CSAT (1–5).', 'Vidutinis CSAT įvertinimas (1–5).', 'duplicates'),
  ces: both(
    'Средняя оценка CES 2.0 (1–7, 7 = очень легко).',
    'Vidutinis CES 2.0 įvertinimas (1–7, 7 = labai lengva).',
    'duplicates',
  ),
  ces_easy: both('Доля ответов CES с оценкой 5–7.', 'CES atsakymų, įvertintų 5–7, dalis.', 'duplicates'),
  attribute_rating: both(
    'Средняя оценка (1–5) каждого атрибута обслуживания (скорость, вежливость, …), по ряду на атрибут.',
    'Vidutinis kiekvieno aptarnavimo požymio (greitis, mandagumas, …) įvertinimas (1–5), po seriją kiekvienam.',
  ),
  survey_responses: both('Число ответов на опросы любого вида.', 'Bet kokios rūšies apklausų atsakymų skaičius.'),
  survey_response_rate: both(
    'Отвеченные приглашения / доставленные приглашения (отправленные cxkpi по почте), по периоду отправки. Ссылки, разосланные вручную, не считаются доставленными приглашениями.',
    'Atsakyti kvietimai / pristatyti kvietimai (cxkpi išsiųsti el. paštu), pagal išsiuntimo laikotarpį. Rankiniu būdu išplatintos nuorodos nėra pristatyti kvietimai ir neskaičiuojamos.',
  ),
  tickets_created: both('Обращения по времени создания.', 'Kreipiniai pagal sukūrimo laiką.'),
  tickets_resolved: both('Обращения по времени последнего решения.', 'Kreipiniai pagal paskutinio išsprendimo laiką.'),
  backlog: both(
    'Обращения, открытые на конец периода: созданные до его конца и не решённые (не закрытые) к этому моменту.',
    'Laikotarpio pabaigoje atviri kreipiniai: sukurti iki jos ir iki tol neišspręsti (neuždaryti).',
  ),
  unanswered_tickets: both(
    'Обращения, созданные в периоде, на которые (пока) нет первого ответа.',
    'Per laikotarpį sukurti kreipiniai, į kuriuos (dar) nėra pirmojo atsakymo.',
  ),
  first_response_time: both(
    'Время от создания обращения до первого ответа для обращений, первый ответ на которые пришёлся на период; по умолчанию медиана. Первые ответы бота не учитываются, если не включён include_bot.',
    'Laikas nuo kreipinio sukūrimo iki pirmojo atsakymo kreipiniams, kurių pirmasis atsakymas pateko į laikotarpį; pagal nutylėjimą mediana. Pirmieji roboto atsakymai neskaičiuojami, nebent įjungta include_bot.',
    'aggregate',
    'include_bot',
  ),
  resolution_time: both(
    'Время от создания до полного (последнего) решения, по времени решения; по умолчанию медиана.',
    'Laikas nuo sukūrimo iki visiško (paskutinio) išsprendimo, pagal išsprendimo laiką; pagal nutylėjimą mediana.',
    'aggregate',
  ),
  first_resolution_time: both(
    'Время от создания до первого решения, по времени первого решения; по умолчанию медиана.',
    'Laikas nuo sukūrimo iki pirmojo išsprendimo, pagal pirmojo išsprendimo laiką; pagal nutylėjimą mediana.',
    'aggregate',
  ),
  fcr_rate: {
    ru: {
      description:
        'Доля обращений, решённых в периоде не более чем одним ответом агента, ни разу не открытых повторно и без нового обращения того же клиента в течение window_days после решения. Опция one_touch: только agent_replies < 2 (Zendesk).',
      options: {
        ...pick('ru', 'window_days'),
        one_touch: 'One-touch по Zendesk: решено менее чем двумя ответами агента.',
      },
    },
    lt: {
      description:
        'Per laikotarpį išspręstų kreipinių dalis, kai agentas atsakė ne daugiau kaip kartą, kreipinys nebuvo atidarytas iš naujo ir tas pats klientas per window_days po išsprendimo nesikreipė vėl. Parinktis one_touch: tik agent_replies < 2 (Zendesk).',
      options: {
        ...pick('lt', 'window_days'),
        one_touch: 'Zendesk one-touch: išspręsta mažiau nei dviem agento atsakymais.',
      },
    },
  },
  reopen_rate: both(
    'Решённые в периоде обращения, открытые повторно хотя бы раз / решённые обращения.',
    'Per laikotarpį išspręsti kreipiniai, bent kartą atidaryti iš naujo / išspręsti kreipiniai.',
  ),
  repeat_contact_rate: both(
    'Созданные в периоде обращения, клиент которых открывает новое в течение window_days / созданные обращения с известным клиентом.',
    'Per laikotarpį sukurti kreipiniai, kurių klientas per window_days pateikia naują / sukurti kreipiniai su žinomu klientu.',
    'window_days',
  ),
  sla_first_response: {
    ru: {
      description:
        'Доля первых ответов в периоде, пришедших в пределах target_seconds (по умолчанию один час) после создания.',
      options: { target_seconds: 'Целевое время первого ответа в секундах.', ...pick('ru', 'include_bot') },
    },
    lt: {
      description:
        'Per laikotarpį pateiktų pirmųjų atsakymų, pateiktų per target_seconds (pagal nutylėjimą viena valanda) nuo sukūrimo, dalis.',
      options: { target_seconds: 'Pirmojo atsakymo tikslas sekundėmis.', ...pick('lt', 'include_bot') },
    },
  },
  handle_time: both(
    'Среднее handle_time_seconds обращений, решённых в периоде.',
    'Per laikotarpį išspręstų kreipinių vidutinis handle_time_seconds.',
  ),
  replies_per_ticket: both(
    'Среднее число ответов агента (agent_replies) на решённые в периоде обращения.',
    'Vidutinis agento atsakymų (agent_replies) skaičius per laikotarpį išspręstuose kreipiniuose.',
  ),
  active_customers: both(
    'Клиенты, активные на конец периода (действующая подписка или заказ в окне активности).',
    'Laikotarpio pabaigoje aktyvūs klientai (galiojanti prenumerata arba užsakymas aktyvumo lange).',
    'activity',
    'activity_window_days',
  ),
  new_customers: both(
    'Клиенты, чья первая активность (первая подписка или первый выполненный заказ) начинается в периоде.',
    'Klientai, kurių pirmoji veikla (pirmoji prenumerata ar pirmasis įvykdytas užsakymas) prasideda per laikotarpį.',
    'activity',
    'activity_window_days',
  ),
  churned_customers: both(
    'Клиенты, активные в начале периода и неактивные в конце (ушедший и вернувшийся внутри периода не считается ушедшим).',
    'Klientai, aktyvūs laikotarpio pradžioje ir neaktyvūs pabaigoje (išėjęs ir per laikotarpį grįžęs klientas neprarastas).',
    'churn_denominator',
    'activity',
    'activity_window_days',
  ),
  customer_churn_rate: both(
    'Ушедшие клиенты / клиенты, активные в начале периода. Пришедшие и ушедшие внутри периода не учитываются. (начало − конец) / начало — не отток: новые клиенты скрыли бы потери.',
    'Prarasti klientai / laikotarpio pradžioje aktyvūs klientai. Atėję ir išėję per laikotarpį neskaičiuojami. (pradžia − pabaiga) / pradžia nėra netektis: nauji klientai paslėptų nuostolius.',
    'churn_denominator',
    'activity',
    'activity_window_days',
  ),
  retention_rate: both(
    '1 − отток клиентов: клиенты, активные в начале и всё ещё активные в конце / активные в начале.',
    '1 − klientų netektis: pradžioje aktyvūs ir pabaigoje vis dar aktyvūs klientai / aktyvūs pradžioje.',
    'churn_denominator',
    'activity',
    'activity_window_days',
  ),
  average_active_customers: both(
    'Среднее числа активных клиентов в начале и в конце периода (знаменатель ARPU).',
    'Aktyvių klientų skaičiaus laikotarpio pradžioje ir pabaigoje vidurkis (ARPU vardiklis).',
    'activity',
    'activity_window_days',
  ),
  mrr: both(
    'Сумма MRR (в валюте отчётности) подписок, действующих на конец периода.',
    'Laikotarpio pabaigoje galiojančių prenumeratų MRR suma (ataskaitų valiuta).',
  ),
  net_revenue_retention: both(
    'MRR на конец периода у клиентов, имевших MRR в его начале, с ростом и сокращением / их MRR в начале. Новые клиенты не входят; выше 100 % — рост перекрыл отток.',
    'Laikotarpio pabaigos MRR klientų, turėjusių MRR jo pradžioje, su padidėjimu ir sumažėjimu / jų MRR pradžioje. Nauji klientai neįeina; virš 100 % reiškia, kad augimas viršijo netektį.',
  ),
  gross_revenue_retention: both(
    'Как чистое удержание выручки, но каждый клиент учитывается не больше его MRR в начале: только потери, не выше 100 %.',
    'Kaip grynasis pajamų išlaikymas, bet kiekvienas klientas skaičiuojamas ne daugiau nei jo MRR pradžioje: tik nuostoliai, ne daugiau 100 %.',
  ),
  average_order_value: both(
    'Средняя сумма (в валюте отчётности) выполненных заказов, оформленных в периоде.',
    'Per laikotarpį pateiktų įvykdytų užsakymų vidutinė suma (ataskaitų valiuta).',
  ),
  order_revenue: both(
    'Сумма выполненных заказов (в валюте отчётности), оформленных в периоде; подписки — в MRR.',
    'Per laikotarpį pateiktų įvykdytų užsakymų suma (ataskaitų valiuta); prenumeratos yra MRR.',
  ),
  subscription_revenue: both(
    'MRR, заработанный в периоде: за каждый календарный месяц, в котором подписка действует, её MRR, умноженный на долю месяца.',
    'Per laikotarpį uždirbtas MRR: už kiekvieną kalendorinį mėnesį, kai prenumerata galioja, jos MRR, padaugintas iš mėnesio dalies.',
  ),
  revenue: both(
    'Выполненные заказы, оформленные в периоде, плюс MRR подписок пропорционально дням активности в периоде.',
    'Per laikotarpį pateikti įvykdyti užsakymai plius prenumeratų MRR proporcingai aktyvumo dienoms laikotarpyje.',
  ),
  arpu: both(
    'Выручка / среднее число активных клиентов в периоде.',
    'Pajamos / vidutinis aktyvių klientų skaičius per laikotarpį.',
    'activity',
    'activity_window_days',
  ),
  clv: both(
    'ARPU × валовая маржа / отток клиентов, отток объединён за шесть последних периодов (ушедшие / активные в начале, суммы за шесть); при периоде «всё время» — за весь диапазон. Пусто, если никто не ушёл. За период выбранной детализации: месячный ARPU к месячному оттоку.',
    'ARPU × bendroji marža / klientų netektis, netektis sujungta per šešis paskutinius laikotarpius (prarasti / aktyvūs pradžioje, sumos per šešis); su laikotarpiu „visas laikas“ — per visą intervalą. Tuščia, jei niekas neišėjo. Pasirinkto detalumo laikotarpiui: mėnesio ARPU su mėnesio netektimi.',
    'gross_margin',
    'activity',
    'activity_window_days',
    'method',
    'horizon_weeks',
  ),
  ltv_cac_ratio: {
    ru: {
      description: 'CLV / CAC в том же периоде и группе (распространённая цель: 3 и более).',
      options: {
        gross_margin: 'Валовая маржа, применяемая к выручке в CLV (от 0 до 1).',
        ...pick('ru', 'activity', 'activity_window_days'),
      },
    },
    lt: {
      description: 'CLV / CAC tame pačiame laikotarpyje ir grupėje (įprastas tikslas: 3 ar daugiau).',
      options: {
        gross_margin: 'Bendroji marža, taikoma pajamoms CLV skaičiavime (nuo 0 iki 1).',
        ...pick('lt', 'activity', 'activity_window_days'),
      },
    },
  },
  repeat_purchase_rate: both(
    'Клиенты с двумя и более выполненными заказами в периоде / клиенты хотя бы с одним.',
    'Klientai, per laikotarpį turintys du ar daugiau įvykdytų užsakymų / klientai, turintys bent vieną.',
  ),
  purchase_frequency: both(
    'Выполненные заказы / клиенты с выполненным заказом в периоде.',
    'Įvykdyti užsakymai / klientai, per laikotarpį turintys įvykdytą užsakymą.',
  ),
  support_cost: both(
    'Затраты категории support, каждая распределена поровну по дням её period_start..period_end и просуммирована по дням периода.',
    'Kategorijos support sąnaudos, kiekviena tolygiai paskirstyta per jos period_start..period_end dienas ir susumuota per laikotarpio dienas.',
  ),
  acquisition_cost: both(
    'Затраты категории acquisition, пропорционально дням периода.',
    'Kategorijos acquisition sąnaudos, proporcingai laikotarpio dienoms.',
  ),
  cost_per_ticket: both(
    'Затраты на поддержку / решённые обращения в том же периоде и группе.',
    'Palaikymo sąnaudos / išspręsti kreipiniai tame pačiame laikotarpyje ir grupėje.',
  ),
  support_cost_to_revenue: both(
    'Затраты на поддержку / выручка в том же периоде (распространённая цель: ниже 10 %).',
    'Palaikymo sąnaudos / pajamos tame pačiame laikotarpyje (įprastas tikslas: mažiau nei 10 %).',
  ),
  cac: both(
    'Затраты на привлечение / новые клиенты в том же периоде.',
    'Pritraukimo sąnaudos / nauji klientai tame pačiame laikotarpyje.',
    'activity',
    'activity_window_days',
  ),
  review_rating: both(
    'Средняя оценка отзывов по шкале 0–5 (5 × оценка / максимум оценки, так что 8 из 10 — это 4).',
    'Vidutinis atsiliepimų įvertinimas 0–5 skalėje (5 × įvertinimas / didžiausias įvertinimas, tad 8 iš 10 yra 4).',
  ),
  review_positive_share: both(
    'Доля оценённых отзывов с оценкой не ниже 80 % максимума (4 или 5 из 5).',
    'Įvertintų atsiliepimų, kurių įvertinimas ne mažesnis kaip 80 % didžiausio (4 arba 5 iš 5), dalis.',
  ),
  reviews: both(
    'Число опубликованных отзывов, с оценкой или без.',
    'Paskelbtų atsiliepimų skaičius, su įvertinimu ar be.',
  ),
  feedback_volume: both(
    'Число письменных отзывов: комментарии к ответам на опросы и отзывы с заголовком или текстом.',
    'Rašytinių atsiliepimų skaičius: apklausų atsakymų komentarai ir atsiliepimai su pavadinimu ar tekstu.',
  ),
  theme_mentions: both(
    'Комментарии и отзывы, в которых упоминается каждая тема (доступность, скорость, цена, ...), по ряду на тему.',
    'Komentarai ir atsiliepimai, kuriuose minima kiekviena tema (pasiekiamumas, greitis, kaina, ...), po seriją temai.',
  ),
  theme_negative_share: both(
    'Доля упоминаний темы, чья собственная фраза звучит негативно, по ряду на тему.',
    'Temos paminėjimų, kurių pačios frazės tonas neigiamas, dalis, po seriją temai.',
  ),
  negative_feedback_share: both(
    'Доля комментариев и отзывов, текст которых прочитан как негативный или очень негативный.',
    'Komentarų ir atsiliepimų, kurių tekstas perskaitytas kaip neigiamas ar labai neigiamas, dalis.',
  ),
};

/**
 * The range a bounded value lies in, for "5.24 of 7" on a card: the answer scales of the survey
 * scores and NPS. Shares are 0-100 % by their unit and need no entry.
 */
export const METRIC_SCALES: Record<string, { min: number; max: number }> = {
  nps: { min: -100, max: 100 },
  enps: { min: -100, max: 100 },
  csat_mean: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
  attribute_rating: { min: 1, max: 5 },
  review_rating: { min: 0, max: 5 },
};
