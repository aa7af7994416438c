package region

// The table below encodes, for the 249 codes officially assigned in ISO
// 3166-1 and the three pseudo-codes of the RIR statistics files:
//
//   - the English short name of ISO 3166-1, as carried by Debian's iso-codes
//     4.15.0 (ISO 3166 Maintenance Agency data, 2023; "Türkiye" since 2022);
//   - the M49 region, sub-region and intermediate region of the UN
//     Statistics Division, "Standard country or area codes for statistical
//     use (M49)", overview table at
//     https://unstats.un.org/unsd/methodology/m49/overview/ (the structure in
//     force since UNSD added Sub-Saharan Africa and Latin America and the
//     Caribbean as sub-regions, as published in 2024);
//   - the RIR whose service region contains the economy, from the service
//     region lists that the five RIRs publish (the NRO's description of the
//     RIR system refers to them): ARIN
//     https://www.arin.net/about/welcome/region/ (29 economies), APNIC
//     https://www.apnic.net/about-apnic/organization/apnics-region/ (56),
//     RIPE NCC https://www.ripe.net/about-us/what-we-do/ripe-ncc-service-region/
//     (76), LACNIC (31 codes; LACNIC counts Bonaire, Sint Eustatius and Saba
//     as three of its 33 territories) and AFRINIC (the remaining 57, Africa
//     and the Indian Ocean islands), as those lists stood in 2024.
//
// The table was written by hand on 2026-11-23 without network access, from
// the published lists above as the author knew them; the tests check it
// against the country codes and registries of the real delegated files in
// the shared data directory (legacy and transferred resources make a few
// codes differ there, see TestAll_delegatedFiles).
//
// Borderline cases, kept as the sources state them:
//   - AQ Antarctica has no M49 region (it sits directly under World) and is
//     served by ARIN;
//   - TW Taiwan is not listed in M49; it is grouped here with Eastern Asia,
//     as most statistical tables that use M49 do;
//   - Caribbean islands are split: ARIN serves Anguilla, Antigua and
//     Barbuda, the Bahamas, Barbados, the Cayman Islands, Dominica, Grenada,
//     Guadeloupe, Jamaica, Martinique, Montserrat, Puerto Rico, Saint
//     Barthélemy, Saint Kitts and Nevis, Saint Lucia, Saint Martin, Saint
//     Vincent and the Grenadines, the Turks and Caicos Islands and both
//     Virgin Islands; LACNIC serves Aruba, Bonaire/Sint Eustatius/Saba, Cuba,
//     Curaçao, the Dominican Republic, Haiti, Sint Maarten and Trinidad and
//     Tobago;
//   - ARIN also serves Bermuda, Saint Pierre and Miquelon, Bouvet Island,
//     Heard Island and McDonald Islands, Saint Helena and the US Minor
//     Outlying Islands; APNIC serves the British Indian Ocean Territory and
//     the French Southern Territories (M49 Eastern Africa); RIPE NCC serves
//     Greenland (M49 Northern America), Iran (M49 Southern Asia), Western
//     and Central Asia; LACNIC serves the Falkland Islands and South Georgia.
//   - The pseudo-codes EU and AP appear only in RIPE NCC's and APNIC's files
//     for resources used across a whole region, so they carry that RIR but
//     no M49 region; ZZ marks rows with no economy (IANA, reserved and
//     available space) and carries neither.

// m49 is one leaf of the M49 hierarchy.
type m49 struct {
	region, subRegion, intermediate string
}

// The M49 leaves used by the table. M49 has intermediate regions only under
// Sub-Saharan Africa, Latin America and the Caribbean, and Northern Europe
// (the Channel Islands).
var (
	northernAfrica = m49{Africa, "Northern Africa", ""}
	easternAfrica  = m49{Africa, "Sub-Saharan Africa", "Eastern Africa"}
	middleAfrica   = m49{Africa, "Sub-Saharan Africa", "Middle Africa"}
	southernAfrica = m49{Africa, "Sub-Saharan Africa", "Southern Africa"}
	westernAfrica  = m49{Africa, "Sub-Saharan Africa", "Western Africa"}

	caribbean       = m49{Americas, "Latin America and the Caribbean", "Caribbean"}
	centralAmerica  = m49{Americas, "Latin America and the Caribbean", "Central America"}
	southAmerica    = m49{Americas, "Latin America and the Caribbean", "South America"}
	northernAmerica = m49{Americas, "Northern America", ""}

	centralAsia      = m49{Asia, "Central Asia", ""}
	easternAsia      = m49{Asia, "Eastern Asia", ""}
	southEasternAsia = m49{Asia, "South-eastern Asia", ""}
	southernAsia     = m49{Asia, "Southern Asia", ""}
	westernAsia      = m49{Asia, "Western Asia", ""}

	easternEurope  = m49{Europe, "Eastern Europe", ""}
	northernEurope = m49{Europe, "Northern Europe", ""}
	channelIslands = m49{Europe, "Northern Europe", "Channel Islands"}
	southernEurope = m49{Europe, "Southern Europe", ""}
	westernEurope  = m49{Europe, "Western Europe", ""}

	australiaNewZealand = m49{Oceania, "Australia and New Zealand", ""}
	melanesia           = m49{Oceania, "Melanesia", ""}
	micronesia          = m49{Oceania, "Micronesia", ""}
	polynesia           = m49{Oceania, "Polynesia", ""}

	noRegion = m49{}
)

// row is one line of the table.
type row struct {
	code, name string
	m49        m49
	rir        string
}

// table lists the economies sorted by code.
var table = [...]row{
	{"AD", "Andorra", southernEurope, RIPENCC},
	{"AE", "United Arab Emirates", westernAsia, RIPENCC},
	{"AF", "Afghanistan", southernAsia, APNIC},
	{"AG", "Antigua and Barbuda", caribbean, ARIN},
	{"AI", "Anguilla", caribbean, ARIN},
	{"AL", "Albania", southernEurope, RIPENCC},
	{"AM", "Armenia", westernAsia, RIPENCC},
	{"AO", "Angola", middleAfrica, AFRINIC},
	{"AP", "Asia/Pacific Region", noRegion, APNIC}, // pseudo-code: APNIC resources used across the region
	{"AQ", "Antarctica", noRegion, ARIN},           // M49: no region (directly under World)
	{"AR", "Argentina", southAmerica, LACNIC},
	{"AS", "American Samoa", polynesia, APNIC},
	{"AT", "Austria", westernEurope, RIPENCC},
	{"AU", "Australia", australiaNewZealand, APNIC},
	{"AW", "Aruba", caribbean, LACNIC},
	{"AX", "Åland Islands", northernEurope, RIPENCC},
	{"AZ", "Azerbaijan", westernAsia, RIPENCC},
	{"BA", "Bosnia and Herzegovina", southernEurope, RIPENCC},
	{"BB", "Barbados", caribbean, ARIN},
	{"BD", "Bangladesh", southernAsia, APNIC},
	{"BE", "Belgium", westernEurope, RIPENCC},
	{"BF", "Burkina Faso", westernAfrica, AFRINIC},
	{"BG", "Bulgaria", easternEurope, RIPENCC},
	{"BH", "Bahrain", westernAsia, RIPENCC},
	{"BI", "Burundi", easternAfrica, AFRINIC},
	{"BJ", "Benin", westernAfrica, AFRINIC},
	{"BL", "Saint Barthélemy", caribbean, ARIN},
	{"BM", "Bermuda", northernAmerica, ARIN},
	{"BN", "Brunei Darussalam", southEasternAsia, APNIC},
	{"BO", "Bolivia, Plurinational State of", southAmerica, LACNIC},
	{"BQ", "Bonaire, Sint Eustatius and Saba", caribbean, LACNIC},
	{"BR", "Brazil", southAmerica, LACNIC},
	{"BS", "Bahamas", caribbean, ARIN},
	{"BT", "Bhutan", southernAsia, APNIC},
	{"BV", "Bouvet Island", southAmerica, ARIN}, // M49 South America, served by ARIN
	{"BW", "Botswana", southernAfrica, AFRINIC},
	{"BY", "Belarus", easternEurope, RIPENCC},
	{"BZ", "Belize", centralAmerica, LACNIC},
	{"CA", "Canada", northernAmerica, ARIN},
	{"CC", "Cocos (Keeling) Islands", australiaNewZealand, APNIC},
	{"CD", "Congo, The Democratic Republic of the", middleAfrica, AFRINIC},
	{"CF", "Central African Republic", middleAfrica, AFRINIC},
	{"CG", "Congo", middleAfrica, AFRINIC},
	{"CH", "Switzerland", westernEurope, RIPENCC},
	{"CI", "Côte d'Ivoire", westernAfrica, AFRINIC},
	{"CK", "Cook Islands", polynesia, APNIC},
	{"CL", "Chile", southAmerica, LACNIC},
	{"CM", "Cameroon", middleAfrica, AFRINIC},
	{"CN", "China", easternAsia, APNIC},
	{"CO", "Colombia", southAmerica, LACNIC},
	{"CR", "Costa Rica", centralAmerica, LACNIC},
	{"CU", "Cuba", caribbean, LACNIC},
	{"CV", "Cabo Verde", westernAfrica, AFRINIC},
	{"CW", "Curaçao", caribbean, LACNIC}, // Caribbean, served by LACNIC
	{"CX", "Christmas Island", australiaNewZealand, APNIC},
	{"CY", "Cyprus", westernAsia, RIPENCC},
	{"CZ", "Czechia", easternEurope, RIPENCC},
	{"DE", "Germany", westernEurope, RIPENCC},
	{"DJ", "Djibouti", easternAfrica, AFRINIC},
	{"DK", "Denmark", northernEurope, RIPENCC},
	{"DM", "Dominica", caribbean, ARIN},
	{"DO", "Dominican Republic", caribbean, LACNIC},
	{"DZ", "Algeria", northernAfrica, AFRINIC},
	{"EC", "Ecuador", southAmerica, LACNIC},
	{"EE", "Estonia", northernEurope, RIPENCC},
	{"EG", "Egypt", northernAfrica, AFRINIC},
	{"EH", "Western Sahara", northernAfrica, AFRINIC},
	{"ER", "Eritrea", easternAfrica, AFRINIC},
	{"ES", "Spain", southernEurope, RIPENCC},
	{"ET", "Ethiopia", easternAfrica, AFRINIC},
	{"EU", "European Union", noRegion, RIPENCC}, // pseudo-code: RIPE NCC resources used across Europe
	{"FI", "Finland", northernEurope, RIPENCC},
	{"FJ", "Fiji", melanesia, APNIC},
	{"FK", "Falkland Islands (Malvinas)", southAmerica, LACNIC},
	{"FM", "Micronesia, Federated States of", micronesia, APNIC},
	{"FO", "Faroe Islands", northernEurope, RIPENCC},
	{"FR", "France", westernEurope, RIPENCC},
	{"GA", "Gabon", middleAfrica, AFRINIC},
	{"GB", "United Kingdom", northernEurope, RIPENCC},
	{"GD", "Grenada", caribbean, ARIN},
	{"GE", "Georgia", westernAsia, RIPENCC},
	{"GF", "French Guiana", southAmerica, LACNIC},
	{"GG", "Guernsey", channelIslands, RIPENCC},
	{"GH", "Ghana", westernAfrica, AFRINIC},
	{"GI", "Gibraltar", southernEurope, RIPENCC},
	{"GL", "Greenland", northernAmerica, RIPENCC}, // M49 Americas, served by RIPE NCC
	{"GM", "Gambia", westernAfrica, AFRINIC},
	{"GN", "Guinea", westernAfrica, AFRINIC},
	{"GP", "Guadeloupe", caribbean, ARIN}, // Caribbean, served by ARIN
	{"GQ", "Equatorial Guinea", middleAfrica, AFRINIC},
	{"GR", "Greece", southernEurope, RIPENCC},
	{"GS", "South Georgia and the South Sandwich Islands", southAmerica, LACNIC},
	{"GT", "Guatemala", centralAmerica, LACNIC},
	{"GU", "Guam", micronesia, APNIC},
	{"GW", "Guinea-Bissau", westernAfrica, AFRINIC},
	{"GY", "Guyana", southAmerica, LACNIC},
	{"HK", "Hong Kong", easternAsia, APNIC},
	{"HM", "Heard Island and McDonald Islands", australiaNewZealand, ARIN}, // M49 Oceania, served by ARIN
	{"HN", "Honduras", centralAmerica, LACNIC},
	{"HR", "Croatia", southernEurope, RIPENCC},
	{"HT", "Haiti", caribbean, LACNIC},
	{"HU", "Hungary", easternEurope, RIPENCC},
	{"ID", "Indonesia", southEasternAsia, APNIC},
	{"IE", "Ireland", northernEurope, RIPENCC},
	{"IL", "Israel", westernAsia, RIPENCC},
	{"IM", "Isle of Man", northernEurope, RIPENCC},
	{"IN", "India", southernAsia, APNIC},
	{"IO", "British Indian Ocean Territory", easternAfrica, APNIC}, // M49 Africa, served by APNIC
	{"IQ", "Iraq", westernAsia, RIPENCC},
	{"IR", "Iran, Islamic Republic of", southernAsia, RIPENCC}, // served by RIPE NCC, not APNIC
	{"IS", "Iceland", northernEurope, RIPENCC},
	{"IT", "Italy", southernEurope, RIPENCC},
	{"JE", "Jersey", channelIslands, RIPENCC},
	{"JM", "Jamaica", caribbean, ARIN},
	{"JO", "Jordan", westernAsia, RIPENCC},
	{"JP", "Japan", easternAsia, APNIC},
	{"KE", "Kenya", easternAfrica, AFRINIC},
	{"KG", "Kyrgyzstan", centralAsia, RIPENCC},
	{"KH", "Cambodia", southEasternAsia, APNIC},
	{"KI", "Kiribati", micronesia, APNIC},
	{"KM", "Comoros", easternAfrica, AFRINIC},
	{"KN", "Saint Kitts and Nevis", caribbean, ARIN},
	{"KP", "Korea, Democratic People's Republic of", easternAsia, APNIC},
	{"KR", "Korea, Republic of", easternAsia, APNIC},
	{"KW", "Kuwait", westernAsia, RIPENCC},
	{"KY", "Cayman Islands", caribbean, ARIN},
	{"KZ", "Kazakhstan", centralAsia, RIPENCC},
	{"LA", "Lao People's Democratic Republic", southEasternAsia, APNIC},
	{"LB", "Lebanon", westernAsia, RIPENCC},
	{"LC", "Saint Lucia", caribbean, ARIN},
	{"LI", "Liechtenstein", westernEurope, RIPENCC},
	{"LK", "Sri Lanka", southernAsia, APNIC},
	{"LR", "Liberia", westernAfrica, AFRINIC},
	{"LS", "Lesotho", southernAfrica, AFRINIC},
	{"LT", "Lithuania", northernEurope, RIPENCC},
	{"LU", "Luxembourg", westernEurope, RIPENCC},
	{"LV", "Latvia", northernEurope, RIPENCC},
	{"LY", "Libya", northernAfrica, AFRINIC},
	{"MA", "Morocco", northernAfrica, AFRINIC},
	{"MC", "Monaco", westernEurope, RIPENCC},
	{"MD", "Moldova, Republic of", easternEurope, RIPENCC},
	{"ME", "Montenegro", southernEurope, RIPENCC},
	{"MF", "Saint Martin (French part)", caribbean, ARIN},
	{"MG", "Madagascar", easternAfrica, AFRINIC},
	{"MH", "Marshall Islands", micronesia, APNIC},
	{"MK", "North Macedonia", southernEurope, RIPENCC},
	{"ML", "Mali", westernAfrica, AFRINIC},
	{"MM", "Myanmar", southEasternAsia, APNIC},
	{"MN", "Mongolia", easternAsia, APNIC},
	{"MO", "Macao", easternAsia, APNIC},
	{"MP", "Northern Mariana Islands", micronesia, APNIC},
	{"MQ", "Martinique", caribbean, ARIN}, // Caribbean, served by ARIN
	{"MR", "Mauritania", westernAfrica, AFRINIC},
	{"MS", "Montserrat", caribbean, ARIN},
	{"MT", "Malta", southernEurope, RIPENCC},
	{"MU", "Mauritius", easternAfrica, AFRINIC},
	{"MV", "Maldives", southernAsia, APNIC},
	{"MW", "Malawi", easternAfrica, AFRINIC},
	{"MX", "Mexico", centralAmerica, LACNIC},
	{"MY", "Malaysia", southEasternAsia, APNIC},
	{"MZ", "Mozambique", easternAfrica, AFRINIC},
	{"NA", "Namibia", southernAfrica, AFRINIC},
	{"NC", "New Caledonia", melanesia, APNIC},
	{"NE", "Niger", westernAfrica, AFRINIC},
	{"NF", "Norfolk Island", australiaNewZealand, APNIC},
	{"NG", "Nigeria", westernAfrica, AFRINIC},
	{"NI", "Nicaragua", centralAmerica, LACNIC},
	{"NL", "Netherlands", westernEurope, RIPENCC},
	{"NO", "Norway", northernEurope, RIPENCC},
	{"NP", "Nepal", southernAsia, APNIC},
	{"NR", "Nauru", micronesia, APNIC},
	{"NU", "Niue", polynesia, APNIC},
	{"NZ", "New Zealand", australiaNewZealand, APNIC},
	{"OM", "Oman", westernAsia, RIPENCC},
	{"PA", "Panama", centralAmerica, LACNIC},
	{"PE", "Peru", southAmerica, LACNIC},
	{"PF", "French Polynesia", polynesia, APNIC},
	{"PG", "Papua New Guinea", melanesia, APNIC},
	{"PH", "Philippines", southEasternAsia, APNIC},
	{"PK", "Pakistan", southernAsia, APNIC},
	{"PL", "Poland", easternEurope, RIPENCC},
	{"PM", "Saint Pierre and Miquelon", northernAmerica, ARIN},
	{"PN", "Pitcairn", polynesia, APNIC},
	{"PR", "Puerto Rico", caribbean, ARIN}, // Caribbean, served by ARIN
	{"PS", "Palestine, State of", westernAsia, RIPENCC},
	{"PT", "Portugal", southernEurope, RIPENCC},
	{"PW", "Palau", micronesia, APNIC},
	{"PY", "Paraguay", southAmerica, LACNIC},
	{"QA", "Qatar", westernAsia, RIPENCC},
	{"RE", "Réunion", easternAfrica, AFRINIC},
	{"RO", "Romania", easternEurope, RIPENCC},
	{"RS", "Serbia", southernEurope, RIPENCC},
	{"RU", "Russian Federation", easternEurope, RIPENCC},
	{"RW", "Rwanda", easternAfrica, AFRINIC},
	{"SA", "Saudi Arabia", westernAsia, RIPENCC},
	{"SB", "Solomon Islands", melanesia, APNIC},
	{"SC", "Seychelles", easternAfrica, AFRINIC},
	{"SD", "Sudan", northernAfrica, AFRINIC},
	{"SE", "Sweden", northernEurope, RIPENCC},
	{"SG", "Singapore", southEasternAsia, APNIC},
	{"SH", "Saint Helena, Ascension and Tristan da Cunha", westernAfrica, ARIN}, // ARIN's region list includes Saint Helena
	{"SI", "Slovenia", southernEurope, RIPENCC},
	{"SJ", "Svalbard and Jan Mayen", northernEurope, RIPENCC},
	{"SK", "Slovakia", easternEurope, RIPENCC},
	{"SL", "Sierra Leone", westernAfrica, AFRINIC},
	{"SM", "San Marino", southernEurope, RIPENCC},
	{"SN", "Senegal", westernAfrica, AFRINIC},
	{"SO", "Somalia", easternAfrica, AFRINIC},
	{"SR", "Suriname", southAmerica, LACNIC},
	{"SS", "South Sudan", easternAfrica, AFRINIC},
	{"ST", "Sao Tome and Principe", middleAfrica, AFRINIC},
	{"SV", "El Salvador", centralAmerica, LACNIC},
	{"SX", "Sint Maarten (Dutch part)", caribbean, LACNIC}, // Caribbean, served by LACNIC
	{"SY", "Syrian Arab Republic", westernAsia, RIPENCC},
	{"SZ", "Eswatini", southernAfrica, AFRINIC},
	{"TC", "Turks and Caicos Islands", caribbean, ARIN},
	{"TD", "Chad", middleAfrica, AFRINIC},
	{"TF", "French Southern Territories", easternAfrica, APNIC}, // M49 Africa, served by APNIC
	{"TG", "Togo", westernAfrica, AFRINIC},
	{"TH", "Thailand", southEasternAsia, APNIC},
	{"TJ", "Tajikistan", centralAsia, RIPENCC},
	{"TK", "Tokelau", polynesia, APNIC},
	{"TL", "Timor-Leste", southEasternAsia, APNIC},
	{"TM", "Turkmenistan", centralAsia, RIPENCC},
	{"TN", "Tunisia", northernAfrica, AFRINIC},
	{"TO", "Tonga", polynesia, APNIC},
	{"TR", "Türkiye", westernAsia, RIPENCC},
	{"TT", "Trinidad and Tobago", caribbean, LACNIC},
	{"TV", "Tuvalu", polynesia, APNIC},
	{"TW", "Taiwan, Province of China", easternAsia, APNIC}, // not listed in M49; grouped with Eastern Asia
	{"TZ", "Tanzania, United Republic of", easternAfrica, AFRINIC},
	{"UA", "Ukraine", easternEurope, RIPENCC},
	{"UG", "Uganda", easternAfrica, AFRINIC},
	{"UM", "United States Minor Outlying Islands", micronesia, ARIN}, // M49 Micronesia, served by ARIN
	{"US", "United States", northernAmerica, ARIN},
	{"UY", "Uruguay", southAmerica, LACNIC},
	{"UZ", "Uzbekistan", centralAsia, RIPENCC},
	{"VA", "Holy See (Vatican City State)", southernEurope, RIPENCC},
	{"VC", "Saint Vincent and the Grenadines", caribbean, ARIN},
	{"VE", "Venezuela, Bolivarian Republic of", southAmerica, LACNIC},
	{"VG", "Virgin Islands, British", caribbean, ARIN},
	{"VI", "Virgin Islands, U.S.", caribbean, ARIN},
	{"VN", "Viet Nam", southEasternAsia, APNIC},
	{"VU", "Vanuatu", melanesia, APNIC},
	{"WF", "Wallis and Futuna", polynesia, APNIC},
	{"WS", "Samoa", polynesia, APNIC},
	{"YE", "Yemen", westernAsia, RIPENCC},
	{"YT", "Mayotte", easternAfrica, AFRINIC},
	{"ZA", "South Africa", southernAfrica, AFRINIC},
	{"ZM", "Zambia", easternAfrica, AFRINIC},
	{"ZW", "Zimbabwe", easternAfrica, AFRINIC},
	{"ZZ", "Unknown", noRegion, ""}, // pseudo-code: IANA and RIR rows with no economy (reserved, available)
}
