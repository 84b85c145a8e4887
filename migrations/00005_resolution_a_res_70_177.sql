-- +goose Up
-- A/RES/70/177, "Technical assistance for implementing the international
-- conventions and protocols related to counter-terrorism", exactly as CTAP's
-- importer stored it from its official text (resolutions/A-RES-70-177.txt)
-- when version 5 was a Go migration. The rows are frozen here, generated once
-- from the parser's output, so that later changes to the models or to the
-- parser cannot change what a fresh install holds (migrations_test.go checks
-- them against the parser). Foreign keys are found through the symbol, and
-- every statement skips rows already there: re-running it changes nothing.

-- +goose StatementBegin
INSERT INTO resolutions (symbol, title, adopted_on, session, committee_report, meeting) VALUES
    ('A/RES/70/177',
     'Technical assistance for implementing the international conventions and protocols related to counter-terrorism',
     DATE '2015-12-17', 70, 'on the report of the Third Committee (A/70/490)', '80th plenary meeting')
ON CONFLICT (symbol) DO NOTHING;
-- +goose StatementEnd

-- +goose StatementBegin
INSERT INTO paragraphs (resolution_id, kind, number, body, addressees, theme)
SELECT (SELECT id FROM resolutions WHERE symbol = 'A/RES/70/177'), v.kind, v.number, v.body, v.addressees, v.theme FROM (VALUES
    ('preambular', 1,
     'Recalling all its resolutions related to technical assistance in countering terrorism, and especially the most recent resolutions such as resolutions 68/178 of 18 December 2013 on the protection of human rights and fundamental freedoms while countering terrorism, 68/187 of 18 December 2013 on technical assistance for implementing the international conventions and protocols related to counter-terrorism, 68/276 of 13 June 2014 on the United Nations Global Counter-Terrorism Strategy Review, 69/127 of 10 December 2014 on measures to eliminate international terrorism and 69/197 of 18 December 2014 on strengthening the United Nations crime prevention and criminal justice programme, in particular its technical cooperation capacity,',
     '{}'::text[], NULL::text),
    ('preambular', 2,
     'Taking note of relevant Security Council resolutions related to technical assistance in countering terrorism, especially the most recent resolutions,',
     '{}'::text[], NULL::text),
    ('preambular', 3,
     'Stressing again the need to strengthen international, regional and subregional cooperation to effectively prevent and combat terrorism, in particular by enhancing the national capacity of States through the provision of technical assistance, based on the needs and priorities identified by requesting States,',
     '{}'::text[], NULL::text),
    ('preambular', 4,
     'Emphasizing the need to address the conditions conducive to the spread of terrorism, while fully respecting the fundamental principles and purposes of the Charter of the United Nations and international law,',
     '{}'::text[], NULL::text),
    ('preambular', 5,
     'Recalling its resolution 68/187, in which, inter alia, it called upon the United Nations Office on Drugs and Crime to continue to provide technical assistance, upon request, for building the capacity of Member States to become a party to and implement international conventions and protocols related to terrorism, including through targeted programmes and the training of relevant criminal justice officials, the development of and participation in relevant initiatives and the elaboration of technical tools and publications, in consultation with Member States,',
     '{}'::text[], NULL::text),
    ('preambular', 6,
     'Reiterating all aspects of the United Nations Global Counter-Terrorism Strategy and the need for States to continue to implement the Strategy, as reaffirmed in General Assembly resolution 68/276, in which the Assembly noted with appreciation the activities undertaken in the area of capacity-building by United Nations entities, including the Counter-Terrorism Implementation Task Force entities, inter alia, the United Nations Office on Drugs and Crime, in coordination with other relevant international, regional and subregional organizations, to assist Member States, upon their request, in implementing the Strategy, and encouraged the Task Force to ensure focused delivery of capacity-building assistance, including in the framework of the Integrated Assistance for Countering Terrorism initiative,',
     '{}'::text[], NULL::text),
    ('preambular', 7,
     'Reiterating also that it is the primary responsibility of Member States to implement the United Nations Global Counter-Terrorism Strategy, recognizing the need to enhance the coordinating and main role that the United Nations plays in facilitating coherence in the implementation of the Strategy at the national, subregional, regional and international levels and in providing assistance, especially in the area of capacity-building, as affirmed in pillar III of the Strategy, and encouraging other international, regional and subregional organizations to coordinate their activities in this regard with the United Nations,',
     '{}'::text[], NULL::text),
    ('preambular', 8,
     'Recalling that in its resolution 68/276 it expressed concern at the increasing flow of international recruits to terrorist organizations, including foreign terrorist fighters, and at the threat that that posed for all Member States, including countries of origin, transit and destination, and recalling also that it expressed concern at the increase, in some regions, in incidents of kidnapping and hostage-taking committed by terrorist groups, for any purpose, including with the aim of raising funds or gaining political concessions, and noted that ransoms paid to terrorists were used as one of the sources of funding for their activities, including further kidnappings,',
     '{}'::text[], NULL::text),
    ('preambular', 9,
     'Recalling also the Doha Declaration on Integrating Crime Prevention and Criminal Justice into the Wider United Nations Agenda to Address Social and Economic Challenges and to Promote the Rule of Law at the National and International Levels, and Public Participation, adopted by the Thirteenth United Nations Congress on Crime Prevention and Criminal Justice, held in Doha from 12 to 19 April 2015,',
     '{}'::text[], NULL::text),
    ('preambular', 10,
     'Noting, in this regard, the need to continue to counter terrorism in all its forms and manifestations, including any existing, growing or potential links, in some cases, between transnational organized crime, illicit drug-related activities, money-laundering and the financing of terrorism, in order to enhance criminal justice responses to those crimes,',
     '{}'::text[], NULL::text),
    ('preambular', 11,
     'Alarmed by the destruction of cultural heritage perpetrated recently by terrorist groups in some countries,',
     '{}'::text[], NULL::text),
    ('preambular', 12,
     'Recognizing the important role of the United Nations Office on Drugs and Crime within the entities of the Counter-Terrorism Implementation Task Force in countering the financing of terrorism and in legal and criminal justice responses to terrorism, and recalling the importance of coordination among United Nations entities and of the work of the Task Force to promote accountability and transparency and avoid duplication in their work,',
     '{}'::text[], NULL::text),
    ('preambular', 13,
     'Affirming that States must ensure that any measure taken to counter terrorism complies with all their obligations under international law, in particular international human rights, refugee and humanitarian law,',
     '{}'::text[], NULL::text),
    ('preambular', 14,
     'Noting the work undertaken and the progress achieved in providing technical assistance for countering money-laundering and the financing of terrorism within the framework of relevant and specialized regional and international bodies,',
     '{}'::text[], NULL::text),
    ('preambular', 15,
     'Taking note of the report of the Secretary-General on technical assistance in implementing the international conventions and protocols related to terrorism,',
     '{}'::text[], NULL::text),
    ('preambular', 16,
     'Noting the ongoing work of the United Nations Office on Drugs and Crime to support Member States in their efforts in preventing and countering terrorism in the crime prevention and criminal justice context, in particular with regard to the compilation of good practices in the area of assistance to and support for victims of terrorism, including the role of victims in the criminal justice framework, and reiterating that this work needs to be done in close coordination with Member States,',
     '{}'::text[], NULL::text),
    ('preambular', 17,
     'Reaffirming that terrorism cannot and should not be associated with any religion, nationality, civilization or ethnic group,',
     '{}'::text[], NULL::text),
    ('operative', 1,
     'Urges Member States that have not yet done so to consider becoming parties to the existing international conventions and protocols related to counter-terrorism, and requests the United Nations Office on Drugs and Crime, within its mandate, in close coordination with the relevant entities of the Counter-Terrorism Implementation Task Force, to continue to provide technical assistance to Member States for the ratification and legislative incorporation of those international legal instruments;',
     ARRAY['member_states', 'office']::text[], 'ratification'::text),
    ('operative', 2,
     'Urges Member States to continue to strengthen international coordination and cooperation in order to prevent and counter terrorism, in all its forms and manifestations, in accordance with international law, including the Charter of the United Nations, to effectively implement relevant international instruments and United Nations resolutions that address the phenomenon of foreign terrorist fighters, to counter the financing of terrorism, including through hostage-taking and kidnapping for ransom, to enter, when appropriate, into bilateral, regional and multilateral treaties on extradition and mutual legal assistance, and to ensure adequate training of all relevant personnel in executing international cooperation activities, and requests the United Nations Office on Drugs and Crime, within its mandate, to provide technical assistance, upon request, to Member States to that end, including by continuing and enhancing its assistance related to international legal cooperation pertaining to countering terrorism and fostering the development of strong and effective central authorities for international cooperation in criminal matters;',
     ARRAY['member_states', 'office']::text[], 'international_cooperation'::text),
    ('operative', 3,
     'Stresses the importance of the development and maintenance of effective, fair, humane, transparent and accountable criminal justice systems, in accordance with applicable international law, as a fundamental basis of any strategy to counter terrorism, and requests the United Nations Office on Drugs and Crime, whenever appropriate, to take into account in its technical assistance to counter terrorism the elements necessary for building national capacity in order to strengthen criminal justice systems and the rule of law;',
     ARRAY['office']::text[], 'criminal_justice'::text),
    ('operative', 4,
     'Calls upon the United Nations Office on Drugs and Crime to continue to strengthen the provision of technical assistance to Member States, upon request and within its mandate, on effective measures, based on the rule of law, for criminal justice responses addressing the prevention of terrorism, in full conformity with human rights and fundamental freedoms;',
     ARRAY['office']::text[], 'prevention_human_rights'::text),
    ('operative', 5,
     'Also calls upon the United Nations Office on Drugs and Crime to continue to provide technical assistance, upon request, for building the capacity of Member States to become party to and implement international conventions and protocols related to counter-terrorism, including through targeted programmes and the training of relevant criminal justice and law enforcement officials, the development of and participation in relevant initiatives and the elaboration of technical tools and publications, in consultation with Member States;',
     ARRAY['office']::text[], 'capacity_building'::text),
    ('operative', 6,
     'Requests the United Nations Office on Drugs and Crime, within its mandate, to continue to develop specialized legal knowledge in the area of countering and preventing terrorism and pertinent thematic areas of relevance to the mandate of the Office and to continue to provide assistance to requesting Member States with regard to criminal justice responses to terrorism in all its forms and manifestations as set out in the international legal instruments and as detailed in relevant United Nations resolutions;',
     ARRAY['office']::text[], 'legal_knowledge'::text),
    ('operative', 7,
     'Also requests the United Nations Office on Drugs and Crime, within its mandate and in collaboration with, when appropriate, the Counter-Terrorism Committee and its Executive Directorate and the Counter-Terrorism Implementation Task Force, to provide assistance to requesting Member States in addressing the threat of foreign terrorist fighters, through its capacity-building activities, with regard to enhancing their cooperation and developing relevant measures, as well as appropriate criminal justice responses, to prevent the financing, mobilization, travel, recruitment, organization and radicalization of foreign terrorist fighters, and to ensure that any person who participates in the financing, planning, preparation or perpetration of terrorist acts or in supporting terrorist acts is brought to justice in compliance with obligations under international law and applicable domestic law;',
     ARRAY['office']::text[], 'foreign_terrorist_fighters'::text),
    ('operative', 8,
     'Encourages Member States to strengthen cooperation in enhanced operational and timely sharing of information related to foreign terrorist fighters, as well as to cooperate and to address, as appropriate, including through the effective exchange of information and the sharing of experiences and good practices, and to counter any existing, growing or potential links, in some cases, between transnational organized crime, illicit drug-related activities, money-laundering and the financing of terrorism, in order to enhance criminal justice responses to those crimes, and calls upon the United Nations Office on Drugs and Crime, within its relevant mandates, to support the efforts of Member States in this regard, upon request;',
     ARRAY['member_states', 'office']::text[], 'information_sharing'::text),
    ('operative', 9,
     'Requests the United Nations Office on Drugs and Crime, within its mandate, to support, as appropriate, the development of improved cooperation between Member States in relation to kidnapping and hostage-taking committed by terrorist groups by providing, upon request, technical assistance to develop their capability to prevent future incidents of kidnapping and hostage-taking by terrorists and prevent terrorists from benefiting directly or indirectly from ransom payments and political concessions;',
     ARRAY['office']::text[], 'kidnapping_hostage_taking'::text),
    ('operative', 10,
     'Also requests the United Nations Office on Drugs and Crime, within its mandate, to continue to develop its specialized legal knowledge in close consultation with Member States to continue to provide assistance to requesting Member States so as to counter the use of the Internet for terrorist purposes, to support those Member States in effectively criminalizing, investigating and prosecuting such acts in accordance with applicable international law on due process and fully respecting human rights and fundamental freedoms, and to encourage the use of the Internet as a tool for countering the spread of terrorism;',
     ARRAY['office']::text[], 'internet'::text),
    ('operative', 11,
     'Further requests the United Nations Office on Drugs and Crime, within its mandate, to continue to support requesting Member States in the implementation of capacity-building programmes to strengthen crime prevention and criminal justice responses to the destruction of cultural heritage by terrorists;',
     ARRAY['office']::text[], 'cultural_heritage'::text),
    ('operative', 12,
     'Urges the United Nations Office on Drugs and Crime, in coordination with the Counter-Terrorism Committee and its Executive Directorate and the Counter-Terrorism Implementation Task Force, to continue to strengthen its cooperation with international organizations and relevant entities of the United Nations system, as well as with international, regional and subregional organizations and arrangements, in the delivery of technical assistance, whenever appropriate;',
     ARRAY['office']::text[], 'coordination'::text),
    ('operative', 13,
     'Requests the United Nations Office on Drugs and Crime to continue to give high priority to the implementation of an integrated approach through the promotion of its regional and thematic programmes, including by assisting States, as requested;',
     ARRAY['office']::text[], 'programmes'::text),
    ('operative', 14,
     'Welcomes the ongoing joint initiatives developed by the United Nations Office on Drugs and Crime and the Counter-Terrorism Committee and its Executive Directorate, as well as by the United Nations Office on Drugs and Crime and the Counter-Terrorism Implementation Task Force;',
     ARRAY['office']::text[], 'joint_initiatives'::text),
    ('operative', 15,
     'Expresses its appreciation to Member States that have supported the technical assistance activities of the United Nations Office on Drugs and Crime, including through financial contributions, and invites Member States to consider making additional sustainable voluntary financial contributions, as well as providing in-kind support, especially in view of the need for enhanced and effective delivery of technical assistance to assist Member States with the implementation of the relevant provisions of the United Nations Global Counter-Terrorism Strategy;',
     ARRAY['member_states']::text[], 'voluntary_contributions'::text),
    ('operative', 16,
     'Requests the Secretary-General to continue to provide the United Nations Office on Drugs and Crime with sufficient resources to carry out activities within its mandate, to assist Member States, upon request, in the implementation of the relevant elements of the United Nations Global Counter-Terrorism Strategy;',
     ARRAY['secretary_general']::text[], 'resources'::text),
    ('operative', 17,
     'Also requests the Secretary-General to submit to the General Assembly at its seventy-first session a report on the implementation of the present resolution.',
     ARRAY['secretary_general']::text[], 'reporting'::text)
) AS v (kind, number, body, addressees, theme)
ON CONFLICT (resolution_id, kind, number) DO NOTHING;
-- +goose StatementEnd

-- +goose StatementBegin
INSERT INTO footnotes (resolution_id, number, body)
SELECT (SELECT id FROM resolutions WHERE symbol = 'A/RES/70/177'), v.number, v.body FROM (VALUES
    (1, 'Especially resolutions 2178 (2014) adopted on 24 September 2014, 2133 (2014) of 27 January 2014, 2195 (2014) of 19 December 2014 and 2199 (2015) of 12 February 2015.'),
    (2, 'Resolution 60/288.'),
    (3, 'Resolution 70/174, annex.'),
    (4, 'E/CN.15/2015/4.')
) AS v (number, body)
ON CONFLICT (resolution_id, number) DO NOTHING;
-- +goose StatementEnd

-- Footnote markers: the byte offset into the paragraph's body.
-- +goose StatementBegin
INSERT INTO footnote_refs (paragraph_id, footnote_number, position)
SELECT p.id, v.footnote_number, v.position FROM (VALUES
    ('preambular', 2, 1, 149),
    ('preambular', 6, 2, 79),
    ('preambular', 9, 3, 397),
    ('preambular', 15, 4, 156),
    ('operative', 15, 2, 555)
) AS v (kind, number, footnote_number, position)
JOIN paragraphs p ON p.resolution_id = (SELECT id FROM resolutions WHERE symbol = 'A/RES/70/177') AND p.kind = v.kind AND p.number = v.number
ON CONFLICT (paragraph_id, position) DO NOTHING;
-- +goose StatementEnd

-- +goose Down
-- Its paragraphs, footnote markers and footnotes go with it (ON DELETE CASCADE).
DELETE FROM resolutions WHERE symbol = 'A/RES/70/177';
