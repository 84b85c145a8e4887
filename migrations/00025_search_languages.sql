-- +goose Up
-- Search in the six official languages of the United Nations.
--
-- Configurations: Arabic, Russian and Spanish are stemmed by PostgreSQL's
-- Snowball stemmers, accents ignored; Chinese has no stemmer and no spaces
-- between words, so its text is indexed character by character
-- (ctap_han_spaced) and the application turns each run of Chinese
-- characters a person types into a phrase of those characters
-- (models.searchText): 恐怖主义 finds 打击恐怖主义融资. Words in Latin
-- letters typed in an Arabic, Chinese or Russian search are stemmed as
-- English, as PostgreSQL's own Russian configuration does.
CREATE TEXT SEARCH CONFIGURATION ctap_ar (COPY = arabic);
ALTER TEXT SEARCH CONFIGURATION ctap_ar
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH english_stem;
CREATE TEXT SEARCH CONFIGURATION ctap_ru (COPY = russian);
ALTER TEXT SEARCH CONFIGURATION ctap_ru
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, russian_stem;
CREATE TEXT SEARCH CONFIGURATION ctap_es (COPY = spanish);
ALTER TEXT SEARCH CONFIGURATION ctap_es
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, hword, hword_part, word WITH unaccent, spanish_stem;
CREATE TEXT SEARCH CONFIGURATION ctap_zh (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION ctap_zh
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH english_stem;
ALTER TEXT SEARCH CONFIGURATION ctap_zh
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- Each CJK ideograph a word of its own (the simple parser would make one
-- word of a whole run of them).
CREATE FUNCTION ctap_han_spaced(body text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN regexp_replace(body, '([㐀-䶿一-鿿豈-﫿])', ' \1 ', 'g');

-- What a text written in lang adds to the English and French stems every
-- record's document has: its own language's stems (Chinese: its
-- characters).
CREATE FUNCTION ctap_own_tsvector(lang text, body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE lang
        WHEN 'ar' THEN to_tsvector('ctap_ar', body)
        WHEN 'ru' THEN to_tsvector('ctap_ru', body)
        WHEN 'es' THEN to_tsvector('ctap_es', body)
        WHEN 'zh' THEN to_tsvector('ctap_zh', ctap_han_spaced(body))
        ELSE ''::tsvector END;

-- The Member States' names in Arabic, Chinese, Russian and Spanish: CLDR's
-- names of the countries (golang.org/x/text/language/display), written
-- here by tools/statenames; the UN's official short names in English and
-- French stay in name and name_fr.
ALTER TABLE member_states
    ADD COLUMN name_ar text NOT NULL DEFAULT '',
    ADD COLUMN name_zh text NOT NULL DEFAULT '',
    ADD COLUMN name_ru text NOT NULL DEFAULT '',
    ADD COLUMN name_es text NOT NULL DEFAULT '';
UPDATE member_states AS m SET name_ar = n.ar, name_zh = n.zh, name_ru = n.ru, name_es = n.es FROM (VALUES
    ('AFG', 'أفغانستان', '阿富汗', 'Афганистан', 'Afganistán'),
    ('ALB', 'ألبانيا', '阿尔巴尼亚', 'Албания', 'Albania'),
    ('DZA', 'الجزائر', '阿尔及利亚', 'Алжир', 'Argelia'),
    ('AND', 'أندورا', '安道尔', 'Андорра', 'Andorra'),
    ('AGO', 'أنغولا', '安哥拉', 'Ангола', 'Angola'),
    ('ATG', 'أنتيغوا وبربودا', '安提瓜和巴布达', 'Антигуа и Барбуда', 'Antigua y Barbuda'),
    ('ARG', 'الأرجنتين', '阿根廷', 'Аргентина', 'Argentina'),
    ('ARM', 'أرمينيا', '亚美尼亚', 'Армения', 'Armenia'),
    ('AUS', 'أستراليا', '澳大利亚', 'Австралия', 'Australia'),
    ('AUT', 'النمسا', '奥地利', 'Австрия', 'Austria'),
    ('AZE', 'أذربيجان', '阿塞拜疆', 'Азербайджан', 'Azerbaiyán'),
    ('BHS', 'البهاما', '巴哈马', 'Багамы', 'Bahamas'),
    ('BHR', 'البحرين', '巴林', 'Бахрейн', 'Baréin'),
    ('BGD', 'بنغلاديش', '孟加拉国', 'Бангладеш', 'Bangladés'),
    ('BRB', 'بربادوس', '巴巴多斯', 'Барбадос', 'Barbados'),
    ('BLR', 'بيلاروس', '白俄罗斯', 'Беларусь', 'Bielorrusia'),
    ('BEL', 'بلجيكا', '比利时', 'Бельгия', 'Bélgica'),
    ('BLZ', 'بليز', '伯利兹', 'Белиз', 'Belice'),
    ('BEN', 'بنين', '贝宁', 'Бенин', 'Benín'),
    ('BTN', 'بوتان', '不丹', 'Бутан', 'Bután'),
    ('BOL', 'بوليفيا', '玻利维亚', 'Боливия', 'Bolivia'),
    ('BIH', 'البوسنة والهرسك', '波斯尼亚和黑塞哥维那', 'Босния и Герцеговина', 'Bosnia y Herzegovina'),
    ('BWA', 'بوتسوانا', '博茨瓦纳', 'Ботсвана', 'Botsuana'),
    ('BRA', 'البرازيل', '巴西', 'Бразилия', 'Brasil'),
    ('BRN', 'بروناي', '文莱', 'Бруней-Даруссалам', 'Brunéi'),
    ('BGR', 'بلغاريا', '保加利亚', 'Болгария', 'Bulgaria'),
    ('BFA', 'بوركينا فاسو', '布基纳法索', 'Буркина-Фасо', 'Burkina Faso'),
    ('BDI', 'بوروندي', '布隆迪', 'Бурунди', 'Burundi'),
    ('CPV', 'الرأس الأخضر', '佛得角', 'Кабо-Верде', 'Cabo Verde'),
    ('KHM', 'كمبوديا', '柬埔寨', 'Камбоджа', 'Camboya'),
    ('CMR', 'الكاميرون', '喀麦隆', 'Камерун', 'Camerún'),
    ('CAN', 'كندا', '加拿大', 'Канада', 'Canadá'),
    ('CAF', 'جمهورية أفريقيا الوسطى', '中非共和国', 'Центрально-Африканская Республика', 'República Centroafricana'),
    ('TCD', 'تشاد', '乍得', 'Чад', 'Chad'),
    ('CHL', 'تشيلي', '智利', 'Чили', 'Chile'),
    ('CHN', 'الصين', '中国', 'Китай', 'China'),
    ('COL', 'كولومبيا', '哥伦比亚', 'Колумбия', 'Colombia'),
    ('COM', 'جزر القمر', '科摩罗', 'Коморы', 'Comoras'),
    ('COG', 'الكونغو - برازافيل', '刚果（布）', 'Конго - Браззавиль', 'República del Congo'),
    ('CRI', 'كوستاريكا', '哥斯达黎加', 'Коста-Рика', 'Costa Rica'),
    ('CIV', 'ساحل العاج', '科特迪瓦', 'Кот-д’Ивуар', 'Côte d’Ivoire'),
    ('HRV', 'كرواتيا', '克罗地亚', 'Хорватия', 'Croacia'),
    ('CUB', 'كوبا', '古巴', 'Куба', 'Cuba'),
    ('CYP', 'قبرص', '塞浦路斯', 'Кипр', 'Chipre'),
    ('CZE', 'التشيك', '捷克', 'Чехия', 'Chequia'),
    ('PRK', 'كوريا الشمالية', '朝鲜', 'КНДР', 'Corea del Norte'),
    ('COD', 'الكونغو - كينشاسا', '刚果（金）', 'Конго - Киншаса', 'República Democrática del Congo'),
    ('DNK', 'الدانمرك', '丹麦', 'Дания', 'Dinamarca'),
    ('DJI', 'جيبوتي', '吉布提', 'Джибути', 'Yibuti'),
    ('DMA', 'دومينيكا', '多米尼克', 'Доминика', 'Dominica'),
    ('DOM', 'جمهورية الدومينيكان', '多米尼加共和国', 'Доминиканская Республика', 'República Dominicana'),
    ('ECU', 'الإكوادور', '厄瓜多尔', 'Эквадор', 'Ecuador'),
    ('EGY', 'مصر', '埃及', 'Египет', 'Egipto'),
    ('SLV', 'السلفادور', '萨尔瓦多', 'Сальвадор', 'El Salvador'),
    ('GNQ', 'غينيا الاستوائية', '赤道几内亚', 'Экваториальная Гвинея', 'Guinea Ecuatorial'),
    ('ERI', 'إريتريا', '厄立特里亚', 'Эритрея', 'Eritrea'),
    ('EST', 'إستونيا', '爱沙尼亚', 'Эстония', 'Estonia'),
    ('SWZ', 'سوازيلاند', '斯威士兰', 'Свазиленд', 'Suazilandia'),
    ('ETH', 'إثيوبيا', '埃塞俄比亚', 'Эфиопия', 'Etiopía'),
    ('FJI', 'فيجي', '斐济', 'Фиджи', 'Fiyi'),
    ('FIN', 'فنلندا', '芬兰', 'Финляндия', 'Finlandia'),
    ('FRA', 'فرنسا', '法国', 'Франция', 'Francia'),
    ('GAB', 'الغابون', '加蓬', 'Габон', 'Gabón'),
    ('GMB', 'غامبيا', '冈比亚', 'Гамбия', 'Gambia'),
    ('GEO', 'جورجيا', '格鲁吉亚', 'Грузия', 'Georgia'),
    ('DEU', 'ألمانيا', '德国', 'Германия', 'Alemania'),
    ('GHA', 'غانا', '加纳', 'Гана', 'Ghana'),
    ('GRC', 'اليونان', '希腊', 'Греция', 'Grecia'),
    ('GRD', 'غرينادا', '格林纳达', 'Гренада', 'Granada'),
    ('GTM', 'غواتيمالا', '危地马拉', 'Гватемала', 'Guatemala'),
    ('GIN', 'غينيا', '几内亚', 'Гвинея', 'Guinea'),
    ('GNB', 'غينيا بيساو', '几内亚比绍', 'Гвинея-Бисау', 'Guinea-Bisáu'),
    ('GUY', 'غيانا', '圭亚那', 'Гайана', 'Guyana'),
    ('HTI', 'هايتي', '海地', 'Гаити', 'Haití'),
    ('HND', 'هندوراس', '洪都拉斯', 'Гондурас', 'Honduras'),
    ('HUN', 'هنغاريا', '匈牙利', 'Венгрия', 'Hungría'),
    ('ISL', 'آيسلندا', '冰岛', 'Исландия', 'Islandia'),
    ('IND', 'الهند', '印度', 'Индия', 'India'),
    ('IDN', 'إندونيسيا', '印度尼西亚', 'Индонезия', 'Indonesia'),
    ('IRN', 'إيران', '伊朗', 'Иран', 'Irán'),
    ('IRQ', 'العراق', '伊拉克', 'Ирак', 'Irak'),
    ('IRL', 'أيرلندا', '爱尔兰', 'Ирландия', 'Irlanda'),
    ('ISR', 'إسرائيل', '以色列', 'Израиль', 'Israel'),
    ('ITA', 'إيطاليا', '意大利', 'Италия', 'Italia'),
    ('JAM', 'جامايكا', '牙买加', 'Ямайка', 'Jamaica'),
    ('JPN', 'اليابان', '日本', 'Япония', 'Japón'),
    ('JOR', 'الأردن', '约旦', 'Иордания', 'Jordania'),
    ('KAZ', 'كازاخستان', '哈萨克斯坦', 'Казахстан', 'Kazajistán'),
    ('KEN', 'كينيا', '肯尼亚', 'Кения', 'Kenia'),
    ('KIR', 'كيريباتي', '基里巴斯', 'Кирибати', 'Kiribati'),
    ('KWT', 'الكويت', '科威特', 'Кувейт', 'Kuwait'),
    ('KGZ', 'قيرغيزستان', '吉尔吉斯斯坦', 'Киргизия', 'Kirguistán'),
    ('LAO', 'لاوس', '老挝', 'Лаос', 'Laos'),
    ('LVA', 'لاتفيا', '拉脱维亚', 'Латвия', 'Letonia'),
    ('LBN', 'لبنان', '黎巴嫩', 'Ливан', 'Líbano'),
    ('LSO', 'ليسوتو', '莱索托', 'Лесото', 'Lesoto'),
    ('LBR', 'ليبيريا', '利比里亚', 'Либерия', 'Liberia'),
    ('LBY', 'ليبيا', '利比亚', 'Ливия', 'Libia'),
    ('LIE', 'ليختنشتاين', '列支敦士登', 'Лихтенштейн', 'Liechtenstein'),
    ('LTU', 'ليتوانيا', '立陶宛', 'Литва', 'Lituania'),
    ('LUX', 'لوكسمبورغ', '卢森堡', 'Люксембург', 'Luxemburgo'),
    ('MDG', 'مدغشقر', '马达加斯加', 'Мадагаскар', 'Madagascar'),
    ('MWI', 'ملاوي', '马拉维', 'Малави', 'Malaui'),
    ('MYS', 'ماليزيا', '马来西亚', 'Малайзия', 'Malasia'),
    ('MDV', 'جزر المالديف', '马尔代夫', 'Мальдивы', 'Maldivas'),
    ('MLI', 'مالي', '马里', 'Мали', 'Mali'),
    ('MLT', 'مالطا', '马耳他', 'Мальта', 'Malta'),
    ('MHL', 'جزر مارشال', '马绍尔群岛', 'Маршалловы Острова', 'Islas Marshall'),
    ('MRT', 'موريتانيا', '毛里塔尼亚', 'Мавритания', 'Mauritania'),
    ('MUS', 'موريشيوس', '毛里求斯', 'Маврикий', 'Mauricio'),
    ('MEX', 'المكسيك', '墨西哥', 'Мексика', 'México'),
    ('FSM', 'ميكرونيزيا', '密克罗尼西亚', 'Федеративные Штаты Микронезии', 'Micronesia'),
    ('MCO', 'موناكو', '摩纳哥', 'Монако', 'Mónaco'),
    ('MNG', 'منغوليا', '蒙古', 'Монголия', 'Mongolia'),
    ('MNE', 'الجبل الأسود', '黑山', 'Черногория', 'Montenegro'),
    ('MAR', 'المغرب', '摩洛哥', 'Марокко', 'Marruecos'),
    ('MOZ', 'موزمبيق', '莫桑比克', 'Мозамбик', 'Mozambique'),
    ('MMR', 'ميانمار (بورما)', '缅甸', 'Мьянма (Бирма)', 'Myanmar (Birmania)'),
    ('NAM', 'ناميبيا', '纳米比亚', 'Намибия', 'Namibia'),
    ('NRU', 'ناورو', '瑙鲁', 'Науру', 'Nauru'),
    ('NPL', 'نيبال', '尼泊尔', 'Непал', 'Nepal'),
    ('NLD', 'هولندا', '荷兰', 'Нидерланды', 'Países Bajos'),
    ('NZL', 'نيوزيلندا', '新西兰', 'Новая Зеландия', 'Nueva Zelanda'),
    ('NIC', 'نيكاراغوا', '尼加拉瓜', 'Никарагуа', 'Nicaragua'),
    ('NER', 'النيجر', '尼日尔', 'Нигер', 'Níger'),
    ('NGA', 'نيجيريا', '尼日利亚', 'Нигерия', 'Nigeria'),
    ('MKD', 'مقدونيا', '马其顿', 'Македония', 'Macedonia'),
    ('NOR', 'النرويج', '挪威', 'Норвегия', 'Noruega'),
    ('OMN', 'عُمان', '阿曼', 'Оман', 'Omán'),
    ('PAK', 'باكستان', '巴基斯坦', 'Пакистан', 'Pakistán'),
    ('PLW', 'بالاو', '帕劳', 'Палау', 'Palaos'),
    ('PAN', 'بنما', '巴拿马', 'Панама', 'Panamá'),
    ('PNG', 'بابوا غينيا الجديدة', '巴布亚新几内亚', 'Папуа — Новая Гвинея', 'Papúa Nueva Guinea'),
    ('PRY', 'باراغواي', '巴拉圭', 'Парагвай', 'Paraguay'),
    ('PER', 'بيرو', '秘鲁', 'Перу', 'Perú'),
    ('PHL', 'الفلبين', '菲律宾', 'Филиппины', 'Filipinas'),
    ('POL', 'بولندا', '波兰', 'Польша', 'Polonia'),
    ('PRT', 'البرتغال', '葡萄牙', 'Португалия', 'Portugal'),
    ('QAT', 'قطر', '卡塔尔', 'Катар', 'Catar'),
    ('KOR', 'كوريا الجنوبية', '韩国', 'Республика Корея', 'Corea del Sur'),
    ('MDA', 'مولدوفا', '摩尔多瓦', 'Молдова', 'Moldavia'),
    ('ROU', 'رومانيا', '罗马尼亚', 'Румыния', 'Rumanía'),
    ('RUS', 'روسيا', '俄罗斯', 'Россия', 'Rusia'),
    ('RWA', 'رواندا', '卢旺达', 'Руанда', 'Ruanda'),
    ('KNA', 'سانت كيتس ونيفيس', '圣基茨和尼维斯', 'Сент-Китс и Невис', 'San Cristóbal y Nieves'),
    ('LCA', 'سانت لوسيا', '圣卢西亚', 'Сент-Люсия', 'Santa Lucía'),
    ('VCT', 'سانت فنسنت وجزر غرينادين', '圣文森特和格林纳丁斯', 'Сент-Винсент и Гренадины', 'San Vicente y las Granadinas'),
    ('WSM', 'ساموا', '萨摩亚', 'Самоа', 'Samoa'),
    ('SMR', 'سان مارينو', '圣马力诺', 'Сан-Марино', 'San Marino'),
    ('STP', 'ساو تومي وبرينسيبي', '圣多美和普林西比', 'Сан-Томе и Принсипи', 'Santo Tomé y Príncipe'),
    ('SAU', 'المملكة العربية السعودية', '沙特阿拉伯', 'Саудовская Аравия', 'Arabia Saudí'),
    ('SEN', 'السنغال', '塞内加尔', 'Сенегал', 'Senegal'),
    ('SRB', 'صربيا', '塞尔维亚', 'Сербия', 'Serbia'),
    ('SYC', 'سيشل', '塞舌尔', 'Сейшельские Острова', 'Seychelles'),
    ('SLE', 'سيراليون', '塞拉利昂', 'Сьерра-Леоне', 'Sierra Leona'),
    ('SGP', 'سنغافورة', '新加坡', 'Сингапур', 'Singapur'),
    ('SVK', 'سلوفاكيا', '斯洛伐克', 'Словакия', 'Eslovaquia'),
    ('SVN', 'سلوفينيا', '斯洛文尼亚', 'Словения', 'Eslovenia'),
    ('SLB', 'جزر سليمان', '所罗门群岛', 'Соломоновы Острова', 'Islas Salomón'),
    ('SOM', 'الصومال', '索马里', 'Сомали', 'Somalia'),
    ('ZAF', 'جنوب أفريقيا', '南非', 'Южно-Африканская Республика', 'Sudáfrica'),
    ('SSD', 'جنوب السودان', '南苏丹', 'Южный Судан', 'Sudán del Sur'),
    ('ESP', 'إسبانيا', '西班牙', 'Испания', 'España'),
    ('LKA', 'سريلانكا', '斯里兰卡', 'Шри-Ланка', 'Sri Lanka'),
    ('SDN', 'السودان', '苏丹', 'Судан', 'Sudán'),
    ('SUR', 'سورينام', '苏里南', 'Суринам', 'Surinam'),
    ('SWE', 'السويد', '瑞典', 'Швеция', 'Suecia'),
    ('CHE', 'سويسرا', '瑞士', 'Швейцария', 'Suiza'),
    ('SYR', 'سوريا', '叙利亚', 'Сирия', 'Siria'),
    ('TJK', 'طاجيكستان', '塔吉克斯坦', 'Таджикистан', 'Tayikistán'),
    ('THA', 'تايلاند', '泰国', 'Таиланд', 'Tailandia'),
    ('TLS', 'تيمور- ليشتي', '东帝汶', 'Восточный Тимор', 'Timor-Leste'),
    ('TGO', 'توغو', '多哥', 'Того', 'Togo'),
    ('TON', 'تونغا', '汤加', 'Тонга', 'Tonga'),
    ('TTO', 'ترينيداد وتوباغو', '特立尼达和多巴哥', 'Тринидад и Тобаго', 'Trinidad y Tobago'),
    ('TUN', 'تونس', '突尼斯', 'Тунис', 'Túnez'),
    ('TUR', 'تركيا', '土耳其', 'Турция', 'Turquía'),
    ('TKM', 'تركمانستان', '土库曼斯坦', 'Туркменистан', 'Turkmenistán'),
    ('TUV', 'توفالو', '图瓦卢', 'Тувалу', 'Tuvalu'),
    ('UGA', 'أوغندا', '乌干达', 'Уганда', 'Uganda'),
    ('UKR', 'أوكرانيا', '乌克兰', 'Украина', 'Ucrania'),
    ('ARE', 'الإمارات العربية المتحدة', '阿拉伯联合酋长国', 'ОАЭ', 'Emiratos Árabes Unidos'),
    ('GBR', 'المملكة المتحدة', '英国', 'Великобритания', 'Reino Unido'),
    ('TZA', 'تنزانيا', '坦桑尼亚', 'Танзания', 'Tanzania'),
    ('USA', 'الولايات المتحدة', '美国', 'Соединенные Штаты', 'Estados Unidos'),
    ('URY', 'أورغواي', '乌拉圭', 'Уругвай', 'Uruguay'),
    ('UZB', 'أوزبكستان', '乌兹别克斯坦', 'Узбекистан', 'Uzbekistán'),
    ('VUT', 'فانواتو', '瓦努阿图', 'Вануату', 'Vanuatu'),
    ('VEN', 'فنزويلا', '委内瑞拉', 'Венесуэла', 'Venezuela'),
    ('VNM', 'فيتنام', '越南', 'Вьетнам', 'Vietnam'),
    ('YEM', 'اليمن', '也门', 'Йемен', 'Yemen'),
    ('ZMB', 'زامبيا', '赞比亚', 'Замбия', 'Zambia'),
    ('ZWE', 'زيمبابوي', '津巴布韦', 'Зимбабве', 'Zimbabue')
) AS n (iso3, ar, zh, ru, es) WHERE m.iso3 = n.iso3;
ALTER TABLE member_states DROP COLUMN search_doc;
ALTER TABLE member_states ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    to_tsvector('ctap_simple', translate(name || ' ' || name_fr || ' ' || name_ar || ' ' || name_ru || ' ' || name_es, '’''', '  ')
        || ' ' || iso3 || ' ' || iso2 || ' ' || m49) ||
    to_tsvector('ctap_zh', ctap_han_spaced(name_zh))) STORED;

-- The records people write: English and French stems as before (people
-- search in either, whatever a record's language), and the stems of the
-- language it was written in (migration 24). The GIN indexes are updated
-- as each record is saved (fastupdate off): writes come at a person's
-- pace, and a search then never reads through a list of pending entries.
ALTER TABLE needs DROP COLUMN search_doc;
ALTER TABLE needs ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(ctap_own_tsvector(language, title), 'A') ||
    setweight(to_tsvector('ctap_en', description || ' ' || beneficiary_institutions), 'B') ||
    setweight(to_tsvector('ctap_fr', description || ' ' || beneficiary_institutions), 'B') ||
    setweight(ctap_own_tsvector(language, description || ' ' || beneficiary_institutions), 'B')) STORED;
CREATE INDEX needs_search_idx ON needs USING gin (search_doc) WITH (fastupdate = off);

ALTER TABLE contributions DROP COLUMN search_doc;
ALTER TABLE contributions ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(ctap_own_tsvector(language, title), 'A') ||
    setweight(to_tsvector('ctap_en', description), 'B') || setweight(to_tsvector('ctap_fr', description), 'B') ||
    setweight(ctap_own_tsvector(language, description), 'B')) STORED;
CREATE INDEX contributions_search_idx ON contributions USING gin (search_doc) WITH (fastupdate = off);

ALTER TABLE activities DROP COLUMN search_doc;
ALTER TABLE activities ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(ctap_own_tsvector(language, title), 'A') ||
    setweight(to_tsvector('ctap_en', description || ' ' || city), 'B') ||
    setweight(to_tsvector('ctap_fr', description || ' ' || city), 'B') ||
    setweight(ctap_own_tsvector(language, description || ' ' || city), 'B')) STORED;
CREATE INDEX activities_search_idx ON activities USING gin (search_doc) WITH (fastupdate = off);

ALTER TABLE progress_reports DROP COLUMN search_doc;
ALTER TABLE progress_reports ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', narrative), 'B') || setweight(to_tsvector('ctap_fr', narrative), 'B') ||
    setweight(ctap_own_tsvector(language, narrative), 'B') ||
    setweight(to_tsvector('ctap_en', measures), 'C') || setweight(to_tsvector('ctap_fr', measures), 'C') ||
    setweight(ctap_own_tsvector(language, measures), 'C')) STORED;
CREATE INDEX progress_reports_search_idx ON progress_reports USING gin (search_doc) WITH (fastupdate = off);

-- An issued report's text in each of the six languages, each stemmed in
-- its own.
ALTER TABLE reports
    ADD COLUMN search_text_ar text,
    ADD COLUMN search_text_zh text,
    ADD COLUMN search_text_ru text,
    ADD COLUMN search_text_es text,
    DROP CONSTRAINT reports_search_text_issued,
    ADD CONSTRAINT reports_search_text_issued CHECK (status = 'issued' OR num_nonnulls(search_text_en, search_text_fr,
        search_text_ar, search_text_zh, search_text_ru, search_text_es) = 0);
ALTER TABLE reports DROP COLUMN search_doc;
ALTER TABLE reports ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', coalesce(search_text_en, '')), 'B') ||
    setweight(to_tsvector('ctap_fr', coalesce(search_text_fr, '')), 'B') ||
    setweight(ctap_own_tsvector('ar', coalesce(search_text_ar, '')), 'B') ||
    setweight(ctap_own_tsvector('zh', coalesce(search_text_zh, '')), 'B') ||
    setweight(ctap_own_tsvector('ru', coalesce(search_text_ru, '')), 'B') ||
    setweight(ctap_own_tsvector('es', coalesce(search_text_es, '')), 'B')) STORED;
CREATE INDEX reports_search_idx ON reports USING gin (search_doc);

-- +goose Down
ALTER TABLE reports DROP COLUMN search_doc;
ALTER TABLE reports DROP CONSTRAINT reports_search_text_issued;
ALTER TABLE reports DROP COLUMN search_text_ar, DROP COLUMN search_text_zh,
    DROP COLUMN search_text_ru, DROP COLUMN search_text_es;
ALTER TABLE reports ADD CONSTRAINT reports_search_text_issued
    CHECK ((search_text_en IS NULL AND search_text_fr IS NULL) OR status = 'issued');
ALTER TABLE reports ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', coalesce(search_text_en, '')), 'B') ||
    setweight(to_tsvector('ctap_fr', coalesce(search_text_fr, '')), 'B')) STORED;
CREATE INDEX reports_search_idx ON reports USING gin (search_doc);

ALTER TABLE progress_reports DROP COLUMN search_doc;
ALTER TABLE progress_reports ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', narrative), 'B') || setweight(to_tsvector('ctap_fr', narrative), 'B') ||
    setweight(to_tsvector('ctap_en', measures), 'C') || setweight(to_tsvector('ctap_fr', measures), 'C')) STORED;
CREATE INDEX progress_reports_search_idx ON progress_reports USING gin (search_doc);

ALTER TABLE activities DROP COLUMN search_doc;
ALTER TABLE activities ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(to_tsvector('ctap_en', description || ' ' || city), 'B') ||
    setweight(to_tsvector('ctap_fr', description || ' ' || city), 'B')) STORED;
CREATE INDEX activities_search_idx ON activities USING gin (search_doc);

ALTER TABLE contributions DROP COLUMN search_doc;
ALTER TABLE contributions ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(to_tsvector('ctap_en', description), 'B') || setweight(to_tsvector('ctap_fr', description), 'B')) STORED;
CREATE INDEX contributions_search_idx ON contributions USING gin (search_doc);

ALTER TABLE needs DROP COLUMN search_doc;
ALTER TABLE needs ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(to_tsvector('ctap_en', description || ' ' || beneficiary_institutions), 'B') ||
    setweight(to_tsvector('ctap_fr', description || ' ' || beneficiary_institutions), 'B')) STORED;
CREATE INDEX needs_search_idx ON needs USING gin (search_doc);

ALTER TABLE member_states DROP COLUMN search_doc;
ALTER TABLE member_states DROP COLUMN name_ar, DROP COLUMN name_zh, DROP COLUMN name_ru, DROP COLUMN name_es;
ALTER TABLE member_states ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    to_tsvector('ctap_simple', translate(name || ' ' || name_fr, '’''', '  ') || ' ' || iso3 || ' ' || iso2 || ' ' || m49)) STORED;

DROP FUNCTION ctap_own_tsvector(text, text);
DROP FUNCTION ctap_han_spaced(text);
DROP TEXT SEARCH CONFIGURATION ctap_zh;
DROP TEXT SEARCH CONFIGURATION ctap_es;
DROP TEXT SEARCH CONFIGURATION ctap_ru;
DROP TEXT SEARCH CONFIGURATION ctap_ar;
